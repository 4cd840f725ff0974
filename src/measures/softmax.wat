;; The softmax's two element-wise passes (logspace.ts: shiftAndExponentiate and normalize)
;; on two lanes at a time, for batch rows (softmax-wasm.ts loads it).
;;
;; Bit for bit what the JavaScript passes give: WebAssembly's f64x2 arithmetic is IEEE 754's,
;; correctly rounded per lane like JavaScript's; the exponential is V8's own algorithm
;; (FreeBSD's e_exp.c, which Math.exp runs) written for two lanes, with its branches as
;; lane selects; and the compensated sum takes the terms one at a time, in order, as the
;; JavaScript loop does. test/unit/softmax-wasm.test.ts holds it to Math.exp and to the
;; JavaScript passes.
(module
  ;; The caller's memory, sized for its rows (softmax-wasm.ts).
  (import "env" "memory" (memory 1))
  ;; V8's Math.log1p, for the divergence pass's ratios near 1 but too far for the series.
  (import "env" "log1p" (func $log1p (param f64) (result f64)))
  ;; V8's Math.log, for the fused pass's Jensen–Shannon terms of ratios far from 1.
  (import "env" "log" (func $log (param f64) (result f64)))

;; logspace.ts's maximumOfLogs of values[0 .. n): the largest, or NaN when one is NaN or
  ;; +Infinity (-Infinity when n = 0 or all are -Infinity), two lanes at a time. A lane keeps
  ;; its first largest (max < v ? v : max, as the JavaScript loop), so the two lanes' results
  ;; can differ only when they are equal: +0 in one and -0 in the other, where which came first
  ;; decides; then it returns +Infinity (never a maximum: +Infinity is refused) and the caller
  ;; asks the JavaScript loop.
  (func (export "maximumOfLogs") (param $values i32) (param $n i32) (result f64)
    (local $i i32) (local $v v128) (local $max v128) (local $bad v128) (local $last f64) (local $first f64) (local $second f64)
    (local.set $max (f64x2.splat (f64.const -inf)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $v (v128.load (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $bad
          (v128.or
            (local.get $bad)
            (v128.or (f64x2.ne (local.get $v) (local.get $v)) (f64x2.eq (local.get $v) (f64x2.splat (f64.const inf))))))
        (local.set $max (f64x2.pmax (local.get $max) (local.get $v)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $next)))
    (if (v128.any_true (local.get $bad)) (then (return (f64.const nan))))
    (local.set $first (f64x2.extract_lane 0 (local.get $max)))
    (local.set $second (f64x2.extract_lane 1 (local.get $max)))
    (if (i32.and
          (f64.eq (local.get $first) (local.get $second))
          (i64.ne (i64.reinterpret_f64 (local.get $first)) (i64.reinterpret_f64 (local.get $second))))
      (then (return (f64.const inf))))
    (local.set $first (select (local.get $second) (local.get $first) (f64.lt (local.get $first) (local.get $second))))
    ;; an odd n's last value
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $last (f64.load (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3)))))
        (if (i32.or (f64.ne (local.get $last) (local.get $last)) (f64.eq (local.get $last) (f64.const inf)))
          (then (return (f64.const nan))))
        (local.set $first (select (local.get $last) (local.get $first) (f64.lt (local.get $first) (local.get $last))))))
    (local.get $first))

  ;; The exponential, written inline in the loop below (a call per pair cost a third of the
  ;; pass): exp(x) for two lanes with x <= 0 (or -infinity), as e_exp.c computes it:
  ;;   x = k·ln2 + r with k = trunc(x/ln2 - 0.5) (k = -1 for -1.5·ln2 < x <= -0.5·ln2, and
  ;;   k = 0 above -0.5·ln2, where e_exp.c's k = 0 formula is this one with hi = x, lo = 0),
  ;;   exp(r) by its rational approximation, times 2^k (2^(k+1000)·2^-1000 below 2^-1021);
  ;;   1 + x for |x| < 2^-28, and 0 below -745.13 (and for -infinity).
  ;;
  ;; shifted[i] = (values[i] - max) / T (no division when T = 1), exps[i] = exp(shifted[i]),
  ;; for i < n; returns Σ exps, compensated. Arrays of doubles at byte offsets, each with room
  ;; for an even number of elements (an odd n's last pair computes one element too many,
  ;; in that room, and leaves it out of the sum).
  (func (export "shiftAndExponentiate")
    (param $values i32) (param $n i32) (param $max f64) (param $temperature f64) (param $shifted i32) (param $exps i32)
    (result f64)
    (local $i i32) (local $at i32) (local $d v128) (local $e v128) (local $divide i32)
    (local $sum f64) (local $compensation f64) (local $term f64) (local $total f64)
    (local $kf v128) (local $hi v128) (local $lo v128) (local $r v128) (local $t v128)
    (local $c v128) (local $y v128) (local $k v128) (local $tiny v128) (local $twopk v128)
    (local.set $divide (f64.ne (local.get $temperature) (f64.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (local.set $d
          (f64x2.sub (v128.load (i32.add (local.get $values) (local.get $at))) (f64x2.splat (local.get $max))))
        (if (local.get $divide)
          (then (local.set $d (f64x2.div (local.get $d) (f64x2.splat (local.get $temperature))))))
        (v128.store (i32.add (local.get $shifted) (local.get $at)) (local.get $d))
        ;; e = exp(d) (see above)
        (local.set $kf
          (v128.bitselect
            (f64x2.trunc
              (f64x2.sub (f64x2.mul (local.get $d) (f64x2.splat (f64.const 0x1.71547652b82fep+0))) (f64x2.splat (f64.const 0.5))))
            (v128.bitselect
              (f64x2.splat (f64.const -1))
              (f64x2.splat (f64.const 0))
              ;; e_exp.c's |x| > 0.5·ln2: its high word above 0x3fd62e42
              (f64x2.le (local.get $d) (f64x2.splat (f64.const -0x1.62e43p-2))))
            ;; and not |x| < 1.5·ln2: its high word at least 0x3ff0a2b2
            (f64x2.le (local.get $d) (f64x2.splat (f64.const -0x1.0a2b2p+0)))))
        ;; hi = x - k·ln2_hi (exact), lo = k·ln2_lo, r = hi - lo
        (local.set $hi (f64x2.sub (local.get $d) (f64x2.mul (local.get $kf) (f64x2.splat (f64.const 0x1.62e42feep-1)))))
        (local.set $lo (f64x2.mul (local.get $kf) (f64x2.splat (f64.const 0x1.a39ef35793c76p-33))))
        (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
        ;; c = r - t·(P1 + t·(P2 + t·(P3 + t·(P4 + t·P5)))), t = r²
        (local.set $t (f64x2.mul (local.get $r) (local.get $r)))
        (local.set $c
          (f64x2.sub
            (local.get $r)
            (f64x2.mul
              (local.get $t)
              (f64x2.add
                (f64x2.splat (f64.const 0x1.555555555553ep-3))
                (f64x2.mul
                  (local.get $t)
                  (f64x2.add
                    (f64x2.splat (f64.const -0x1.6c16c16bebd93p-9))
                    (f64x2.mul
                      (local.get $t)
                      (f64x2.add
                        (f64x2.splat (f64.const 0x1.1566aaf25de2cp-14))
                        (f64x2.mul
                          (local.get $t)
                          (f64x2.add
                            (f64x2.splat (f64.const -0x1.bbd41c5d26bf1p-20))
                            (f64x2.mul (local.get $t) (f64x2.splat (f64.const 0x1.6376972bea4d0p-25)))))))))))))
        ;; y = 1 - ((lo - r·c/(2 - c)) - hi)
        (local.set $y
          (f64x2.sub
            (f64x2.splat (f64.const 1))
            (f64x2.sub
              (f64x2.sub
                (local.get $lo)
                (f64x2.div (f64x2.mul (local.get $r) (local.get $c)) (f64x2.sub (f64x2.splat (f64.const 2)) (local.get $c))))
              (local.get $hi))))
        ;; 2^k from its bits, or 2^(k+1000) where k < -1021 (then times 2^-1000, as e_exp.c)
        (local.set $k (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $kf))))
        (local.set $tiny (i64x2.lt_s (local.get $k) (i64x2.splat (i64.const -1021))))
        (local.set $twopk
          (i64x2.shl
            (i64x2.add
              (i64x2.add (local.get $k) (i64x2.splat (i64.const 1023)))
              (v128.and (local.get $tiny) (i64x2.splat (i64.const 1000))))
            (i32.const 52)))
        (local.set $y
          (f64x2.mul
            (f64x2.mul (local.get $y) (local.get $twopk))
            (v128.bitselect (f64x2.splat (f64.const 0x1p-1000)) (f64x2.splat (f64.const 1)) (local.get $tiny))))
        ;; |x| < 2^-28: 1 + x
        (local.set $y
          (v128.bitselect
            (f64x2.add (f64x2.splat (f64.const 1)) (local.get $d))
            (local.get $y)
            (f64x2.gt (local.get $d) (f64x2.splat (f64.const -0x1p-28)))))
        ;; below e_exp.c's underflow threshold (-745.13…): 0
        (local.set $e
          (v128.bitselect
            (f64x2.splat (f64.const 0))
            (local.get $y)
            (f64x2.lt (local.get $d) (f64x2.splat (f64.const -0x1.74910d52d3051p+9)))))
        (v128.store (i32.add (local.get $exps) (local.get $at)) (local.get $e))
        ;; the sum, compensated (Neumaier), one term at a time: lane 0, then lane 1
        (local.set $term (f64x2.extract_lane 0 (local.get $e)))
        (local.set $total (f64.add (local.get $sum) (local.get $term)))
        (local.set $compensation
          (f64.add
            (local.get $compensation)
            (select
              (f64.add (f64.sub (local.get $sum) (local.get $total)) (local.get $term))
              (f64.add (f64.sub (local.get $term) (local.get $total)) (local.get $sum))
              (f64.ge (local.get $sum) (local.get $term)))))
        (local.set $sum (local.get $total))
        (if (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $n))
          (then
            (local.set $term (f64x2.extract_lane 1 (local.get $e)))
            (local.set $total (f64.add (local.get $sum) (local.get $term)))
            (local.set $compensation
              (f64.add
                (local.get $compensation)
                (select
                  (f64.add (f64.sub (local.get $sum) (local.get $total)) (local.get $term))
                  (f64.add (f64.sub (local.get $term) (local.get $total)) (local.get $sum))
                  (f64.ge (local.get $sum) (local.get $term)))))
            (local.set $sum (local.get $total))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $next)))
    (f64.add (local.get $sum) (local.get $compensation)))

  ;; logProbs[i] = shifted[i] - logSum and probs[i] = exps[i] / sum, in place, for i < n;
  ;; returns the index of the largest probability, the first one when several are equal
  ;; (stats.ts's argmax: each lane keeps its first best, and a tie between the lanes goes to
  ;; the smaller index), so that a batch row need not scan its probabilities again for it.
  (func (export "normalize") (param $shifted i32) (param $exps i32) (param $n i32) (param $sum f64) (param $logSum f64)
    (result i32)
    (local $i i32) (local $at i32) (local $p v128) (local $better v128)
    (local $best v128) (local $bestAt v128) (local $index v128) (local $limit v128)
    (local $first f64) (local $second f64)
    (local.set $best (f64x2.splat (f64.const -1)))
    (local.set $index (v128.const i64x2 0 1))
    (local.set $limit (i64x2.splat (i64.extend_i32_u (local.get $n))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (v128.store
          (i32.add (local.get $shifted) (local.get $at))
          (f64x2.sub (v128.load (i32.add (local.get $shifted) (local.get $at))) (f64x2.splat (local.get $logSum))))
        (local.set $p (f64x2.div (v128.load (i32.add (local.get $exps) (local.get $at))) (f64x2.splat (local.get $sum))))
        (v128.store (i32.add (local.get $exps) (local.get $at)) (local.get $p))
        ;; larger than the lane's best so far, and an element (an odd n's last lane is not)
        (local.set $better
          (v128.and (f64x2.gt (local.get $p) (local.get $best)) (i64x2.lt_s (local.get $index) (local.get $limit))))
        (local.set $best (v128.bitselect (local.get $p) (local.get $best) (local.get $better)))
        (local.set $bestAt (v128.bitselect (local.get $index) (local.get $bestAt) (local.get $better)))
        (local.set $index (i64x2.add (local.get $index) (i64x2.splat (i64.const 2))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $next)))
    (local.set $first (f64x2.extract_lane 0 (local.get $best)))
    (local.set $second (f64x2.extract_lane 1 (local.get $best)))
    (i32.wrap_i64
      (select
        (i64x2.extract_lane 1 (local.get $bestAt))
        (i64x2.extract_lane 0 (local.get $bestAt))
        (i32.or
          (f64.gt (local.get $second) (local.get $first))
          (i32.and
            (f64.eq (local.get $second) (local.get $first))
            (i64.lt_s (i64x2.extract_lane 1 (local.get $bestAt)) (i64x2.extract_lane 0 (local.get $bestAt))))))))

  ;; h(r) = (1 + r)·log1p(r) − r by its series, as kernel.ts's hSeries: the same coefficients
  ;; (the same doubles, written in hexadecimal), the same Horner steps, |r| < 0.05.
  (func $h (param $r f64) (result f64)
    (local $poly f64)
    (local.set $poly (f64.const 0x1.1111111111111p-8))
    (local.set $poly (f64.sub (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1.3813813813814p-8)))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1.6816816816817p-8)))
    (local.set $poly (f64.sub (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1.a41a41a41a41ap-8)))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1.f07c1f07c1f08p-8)))
    (local.set $poly (f64.sub (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1.29e4129e4129ep-7)))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1.6c16c16c16c17p-7)))
    (local.set $poly (f64.sub (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1.c71c71c71c71cp-7)))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1.2492492492492p-6)))
    (local.set $poly (f64.sub (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1.8618618618618p-6)))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1.1111111111111p-5)))
    (local.set $poly (f64.sub (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1.999999999999ap-5)))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1.5555555555555p-4)))
    (local.set $poly (f64.sub (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1.5555555555555p-3)))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r)) (f64.const 0x1p-1)))
    (f64.mul (f64.mul (local.get $poly) (local.get $r)) (local.get $r)))

  ;; D(P‖Q)'s sum (D(Q‖P)'s with $reverse) over n categories, as kernel.ts's divergenceKernel
  ;; computes it for softmax rows (normalised, with log-probabilities): the same terms by the
  ;; same operations, added to one compensated (Neumaier) sum in index order. Returns the
  ;; sum; its compensation (f64) goes to $out, and the counts of p > 0 = q and q > 0 = p (i32
  ;; each) to $out + 144, where the fused pass puts its counts. Where both values of a pair are near-equal (|r| < 0.05, every value of a
  ;; quantised model against its base) their two series run on the two lanes; anything else
  ;; takes one value at a time, with V8's own Math.log1p (imported) in the band where kernel.ts
  ;; calls it. Equal values add a series term of exactly 0, which leaves both the sum (never
  ;; −0: its terms are not negative) and its compensation bit for bit as they were, so the pair
  ;; path need not skip them as divergenceKernel does.
  (func (export "divergence")
    (param $p i32) (param $q i32) (param $logP i32) (param $logQ i32) (param $n i32) (param $reverse i32) (param $out i32)
    (result f64)
    (local $i i32) (local $at i32) (local $sum f64) (local $compensation f64) (local $total f64)
    (local $pOnly i32) (local $qOnly i32) (local $pi f64) (local $qi f64) (local $r f64) (local $ratio f64)
    (local $logRatio f64) (local $term f64) (local $terms v128) (local $polyv v128) (local $rv v128)
    (local $pv v128) (local $qv v128) (local $den v128)
    (block $done
      (loop $next
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (if (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $n))
          (then
            (local.set $pv (v128.load (i32.add (local.get $p) (local.get $at))))
            (local.set $qv (v128.load (i32.add (local.get $q) (local.get $at))))
            (local.set $den (select (result v128) (local.get $pv) (local.get $qv) (local.get $reverse)))
            (local.set $rv
              (f64x2.div
                (select (result v128) (f64x2.sub (local.get $qv) (local.get $pv)) (f64x2.sub (local.get $pv) (local.get $qv)) (local.get $reverse))
                (local.get $den)))
            (if (i64x2.all_true (f64x2.lt (f64x2.abs (local.get $rv)) (f64x2.splat (f64.const 0x1.999999999999ap-5))))
              (then
            (local.set $polyv (f64x2.splat (f64.const 0x1.1111111111111p-8)))
            (local.set $polyv (f64x2.sub (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1.3813813813814p-8))))
            (local.set $polyv (f64x2.add (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1.6816816816817p-8))))
            (local.set $polyv (f64x2.sub (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1.a41a41a41a41ap-8))))
            (local.set $polyv (f64x2.add (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1.f07c1f07c1f08p-8))))
            (local.set $polyv (f64x2.sub (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1.29e4129e4129ep-7))))
            (local.set $polyv (f64x2.add (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1.6c16c16c16c17p-7))))
            (local.set $polyv (f64x2.sub (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1.c71c71c71c71cp-7))))
            (local.set $polyv (f64x2.add (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1.2492492492492p-6))))
            (local.set $polyv (f64x2.sub (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1.8618618618618p-6))))
            (local.set $polyv (f64x2.add (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1.1111111111111p-5))))
            (local.set $polyv (f64x2.sub (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1.999999999999ap-5))))
            (local.set $polyv (f64x2.add (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1.5555555555555p-4))))
            (local.set $polyv (f64x2.sub (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1.5555555555555p-3))))
            (local.set $polyv (f64x2.add (f64x2.mul (local.get $polyv) (local.get $rv)) (f64x2.splat (f64.const 0x1p-1))))
            (local.set $terms
              (f64x2.mul (local.get $den) (f64x2.mul (f64x2.mul (local.get $polyv) (local.get $rv)) (local.get $rv))))
            (local.set $term (f64x2.extract_lane 0 (local.get $terms)))
            (local.set $total (f64.add (local.get $sum) (local.get $term)))
            (local.set $compensation
              (f64.add
                (local.get $compensation)
                (select
                  (f64.add (f64.sub (local.get $sum) (local.get $total)) (local.get $term))
                  (f64.add (f64.sub (local.get $term) (local.get $total)) (local.get $sum))
                  (f64.ge (f64.abs (local.get $sum)) (f64.abs (local.get $term))))))
            (local.set $sum (local.get $total))
            (local.set $term (f64x2.extract_lane 1 (local.get $terms)))
            (local.set $total (f64.add (local.get $sum) (local.get $term)))
            (local.set $compensation
              (f64.add
                (local.get $compensation)
                (select
                  (f64.add (f64.sub (local.get $sum) (local.get $total)) (local.get $term))
                  (f64.add (f64.sub (local.get $term) (local.get $total)) (local.get $sum))
                  (f64.ge (f64.abs (local.get $sum)) (f64.abs (local.get $term))))))
            (local.set $sum (local.get $total))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $next)))))
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; One value, as divergenceKernel's loop body.
        (local.set $pi (f64.load (i32.add (local.get $p) (local.get $at))))
        (local.set $qi (f64.load (i32.add (local.get $q) (local.get $at))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.and (f64.eq (local.get $pi) (f64.const 0)) (f64.eq (local.get $qi) (f64.const 0))))
        (if (f64.eq (local.get $qi) (f64.const 0))
          (then (local.set $pOnly (i32.add (local.get $pOnly) (i32.const 1))))
          (else
            (if (f64.eq (local.get $pi) (f64.const 0))
              (then (local.set $qOnly (i32.add (local.get $qOnly) (i32.const 1)))))))
        (br_if $next (f64.eq (local.get $pi) (local.get $qi)))
        (block $termDone
          (if (i32.or (f64.eq (local.get $pi) (f64.const 0)) (f64.eq (local.get $qi) (f64.const 0)))
            (then
              ;; g(0, q) = q, g(p, 0) = +Infinity (and the other way round for the reverse)
              (local.set $term
                (if (result f64) (i32.eq (f64.eq (local.get $pi) (f64.const 0)) (local.get $reverse))
                  (then (f64.const inf))
                  (else (select (local.get $qi) (local.get $pi) (f64.eq (local.get $pi) (f64.const 0))))))
              (br $termDone)))
          (local.set $r
            (select
              (f64.div (f64.sub (local.get $qi) (local.get $pi)) (local.get $pi))
              (f64.div (f64.sub (local.get $pi) (local.get $qi)) (local.get $qi))
              (local.get $reverse)))
          (if (f64.lt (f64.abs (local.get $r)) (f64.const 0x1.999999999999ap-5))
            (then
              (local.set $term
                (f64.mul (select (local.get $pi) (local.get $qi) (local.get $reverse)) (call $h (local.get $r))))
              (br $termDone)))
          (local.set $ratio (f64.div (local.get $pi) (local.get $qi)))
          (if (i32.and (f64.gt (local.get $ratio) (f64.const 0.5)) (f64.lt (local.get $ratio) (f64.const 2)))
            (then
              ;; not near enough for the series: log1p, as divergenceKernel
              (local.set $r (f64.div (f64.sub (local.get $pi) (local.get $qi)) (local.get $qi)))
              (local.set $logRatio (call $log1p (local.get $r))))
            (else
              ;; far from 1: log p − log q, the caller's log-probabilities
              (local.set $logRatio
                (f64.sub
                  (f64.load (i32.add (local.get $logP) (local.get $at)))
                  (f64.load (i32.add (local.get $logQ) (local.get $at)))))))
          (local.set $term
            (if (result f64) (local.get $reverse)
              (then
                (f64.add (f64.sub (f64.mul (f64.neg (local.get $qi)) (local.get $logRatio)) (local.get $qi)) (local.get $pi)))
              (else
                (if (result f64) (i32.and (f64.gt (local.get $ratio) (f64.const 0.5)) (f64.lt (local.get $ratio) (f64.const 2)))
                  (then
                    (f64.mul
                      (local.get $qi)
                      (f64.sub (f64.mul (f64.add (f64.const 1) (local.get $r)) (local.get $logRatio)) (local.get $r))))
                  (else
                    (f64.add (f64.sub (f64.mul (local.get $pi) (local.get $logRatio)) (local.get $pi)) (local.get $qi))))))))
        (if (f64.eq (local.get $term) (f64.const inf))
          (then (local.set $sum (f64.const inf)))
          (else
            (local.set $total (f64.add (local.get $sum) (local.get $term)))
            (local.set $compensation
              (f64.add
                (local.get $compensation)
                (select
                  (f64.add (f64.sub (local.get $sum) (local.get $total)) (local.get $term))
                  (f64.add (f64.sub (local.get $term) (local.get $total)) (local.get $sum))
                  (f64.ge (f64.abs (local.get $sum)) (f64.abs (local.get $term))))))
            (local.set $sum (local.get $total))))
        (br $next)))
    (f64.store (local.get $out) (local.get $compensation))
    ;; the counts where the fused pass puts its own, after its eighteen doubles
    (i32.store offset=144 (local.get $out) (local.get $pOnly))
    (i32.store offset=148 (local.get $out) (local.get $qOnly))
    (local.get $sum))

  ;; φ(r) = h(r) + h(−r) by its series, as kernel.ts's phiSeries (the same doubles, the same steps).
  (func $phi (param $r f64) (result f64)
    (local $r2 f64) (local $poly f64)
    (local.set $r2 (f64.mul (local.get $r) (local.get $r)))
    (local.set $poly (f64.const 0x1.1111111111111p-7))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r2)) (f64.const 0x1.6816816816817p-7)))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r2)) (f64.const 0x1.f07c1f07c1f08p-7)))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r2)) (f64.const 0x1.6c16c16c16c17p-6)))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r2)) (f64.const 0x1.2492492492492p-5)))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r2)) (f64.const 0x1.1111111111111p-4)))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r2)) (f64.const 0x1.5555555555555p-3)))
    (local.set $poly (f64.add (f64.mul (local.get $poly) (local.get $r2)) (f64.const 0x1p+0)))
    (f64.mul (local.get $poly) (local.get $r2)))

  ;; Every measure's sums for softmax rows (normalised, with log-probabilities), as
  ;; kernel.ts's pairKernel computes them with every measure wanted: the same terms by the
  ;; same operations, each added to its compensated (Neumaier) sum in index order. Writes
  ;; the nine sums (entropy P, entropy Q, cross P‖Q, cross Q‖P, g(P,Q), g(Q,P), total
  ;; variation, Hellinger, JS), then their nine compensations (f64), then the counts of
  ;; p > 0 = q and q > 0 = p (i32) to $out. Where two values in a row are near-equal for all
  ;; three series (|r| < 0.05 for both KL directions and for JS: every value of a quantised
  ;; model against its base) their terms are computed on two lanes and added value by value,
  ;; two sums to a vector;
  ;; anything else takes one value at a time, with V8's Math.log1p and Math.log imported.
  ;; Equal values add terms of exactly 0 past the cross-entropies, which leave those sums
  ;; (never −0: their terms are not negative) and compensations bit for bit as they were.
  (func (export "fusedSums")
    (param $p i32) (param $q i32) (param $logP i32) (param $logQ i32) (param $n i32) (param $out i32)
    (local $i i32) (local $at i32) (local $inBand i32) (local $pOnly i32) (local $qOnly i32)
    (local $pi f64) (local $qi f64) (local $lp f64) (local $lq f64) (local $v f64) (local $t f64)
    (local $r f64) (local $rRev f64) (local $ratio f64) (local $logRatio f64) (local $total f64)
    (local $phi f64) (local $onePlus f64) (local $oneMinus f64) (local $up f64) (local $down f64) (local $difference f64)
    (local $entropyP f64) (local $c_entropyP f64) (local $entropyQ f64) (local $c_entropyQ f64) (local $crossPQ f64) (local $c_crossPQ f64) (local $crossQP f64) (local $c_crossQP f64) (local $gPQ f64) (local $c_gPQ f64) (local $gQP f64) (local $c_gQP f64) (local $tv f64) (local $c_tv f64) (local $hel f64) (local $c_hel f64) (local $js f64) (local $c_js f64)
    (local $pv v128) (local $qv v128) (local $dv v128) (local $rv v128) (local $rrv v128) (local $totv v128) (local $rjv v128)
    (local $lpv v128) (local $lqv v128) (local $entP v128) (local $entQ v128) (local $crPQ v128) (local $crQP v128)
    (local $tvv v128) (local $helv v128) (local $gpq v128) (local $gqp v128) (local $jsv v128) (local $sqv v128)
    (local $near i32) (local $zero v128) (local $vv v128) (local $tv2 v128) (local $kv v128)
    (local $SA v128) (local $SB v128) (local $SC v128) (local $SD v128) (local $SE v128)
    (local $CA v128) (local $CB v128) (local $CC v128) (local $CD v128) (local $CE v128)
    (block $done
      (loop $next
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (if (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $n))
          (then
            (local.set $pv (v128.load (i32.add (local.get $p) (local.get $at))))
            (local.set $qv (v128.load (i32.add (local.get $q) (local.get $at))))
            (local.set $dv (f64x2.sub (local.get $pv) (local.get $qv)))
            (local.set $rv (f64x2.div (local.get $dv) (local.get $qv)))
            (local.set $rrv (f64x2.div (f64x2.sub (local.get $qv) (local.get $pv)) (local.get $pv)))
            (local.set $totv (f64x2.add (local.get $pv) (local.get $qv)))
            (local.set $rjv (f64x2.div (local.get $dv) (local.get $totv)))
            (local.set $near
              (i64x2.all_true
                (v128.and
                  (v128.and
                    (f64x2.lt (f64x2.abs (local.get $rv)) (f64x2.splat (f64.const 0x1.999999999999ap-5)))
                    (f64x2.lt (f64x2.abs (local.get $rrv)) (f64x2.splat (f64.const 0x1.999999999999ap-5))))
                  (f64x2.lt (f64x2.abs (local.get $rjv)) (f64x2.splat (f64.const 0x1.999999999999ap-5))))))
            (if (local.get $near)
              (then
                ;; A run of near-equal pairs: the sums two to a vector ((entropy P, entropy Q),
                ;; (cross P‖Q, cross Q‖P), (g(P,Q), g(Q,P)), (total variation, Hellinger), (JS, 0)),
                ;; each lane a sum of its own, as exact as one sum at a time.
                (local.set $SA (f64x2.replace_lane 1 (f64x2.splat (local.get $entropyP)) (local.get $entropyQ)))
                (local.set $CA (f64x2.replace_lane 1 (f64x2.splat (local.get $c_entropyP)) (local.get $c_entropyQ)))
                (local.set $SB (f64x2.replace_lane 1 (f64x2.splat (local.get $crossPQ)) (local.get $crossQP)))
                (local.set $CB (f64x2.replace_lane 1 (f64x2.splat (local.get $c_crossPQ)) (local.get $c_crossQP)))
                (local.set $SC (f64x2.replace_lane 1 (f64x2.splat (local.get $gPQ)) (local.get $gQP)))
                (local.set $CC (f64x2.replace_lane 1 (f64x2.splat (local.get $c_gPQ)) (local.get $c_gQP)))
                (local.set $SD (f64x2.replace_lane 1 (f64x2.splat (local.get $tv)) (local.get $hel)))
                (local.set $CD (f64x2.replace_lane 1 (f64x2.splat (local.get $c_tv)) (local.get $c_hel)))
                (local.set $SE (f64x2.replace_lane 0 (v128.const i64x2 0 0) (local.get $js)))
                (local.set $CE (f64x2.replace_lane 0 (v128.const i64x2 0 0) (local.get $c_js)))
                (loop $run
                  (local.set $lpv (v128.load (i32.add (local.get $logP) (local.get $at))))
                  (local.set $lqv (v128.load (i32.add (local.get $logQ) (local.get $at))))
                  (local.set $entP (f64x2.mul (f64x2.neg (local.get $pv)) (local.get $lpv)))
                  (local.set $entQ (f64x2.mul (f64x2.neg (local.get $qv)) (local.get $lqv)))
                  (local.set $crPQ (f64x2.mul (f64x2.neg (local.get $pv)) (local.get $lqv)))
                  (local.set $crQP (f64x2.mul (f64x2.neg (local.get $qv)) (local.get $lpv)))
                  (local.set $tvv (f64x2.abs (local.get $dv)))
                  (local.set $helv (f64x2.div (local.get $dv) (f64x2.add (f64x2.sqrt (local.get $pv)) (f64x2.sqrt (local.get $qv)))))
                  (local.set $helv (f64x2.mul (local.get $helv) (local.get $helv)))
                  (local.set $gpq (f64x2.splat (f64.const 0x1.1111111111111p-8)))
                  (local.set $gpq (f64x2.sub (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1.3813813813814p-8))))
                  (local.set $gpq (f64x2.add (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1.6816816816817p-8))))
                  (local.set $gpq (f64x2.sub (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1.a41a41a41a41ap-8))))
                  (local.set $gpq (f64x2.add (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1.f07c1f07c1f08p-8))))
                  (local.set $gpq (f64x2.sub (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1.29e4129e4129ep-7))))
                  (local.set $gpq (f64x2.add (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1.6c16c16c16c17p-7))))
                  (local.set $gpq (f64x2.sub (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1.c71c71c71c71cp-7))))
                  (local.set $gpq (f64x2.add (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1.2492492492492p-6))))
                  (local.set $gpq (f64x2.sub (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1.8618618618618p-6))))
                  (local.set $gpq (f64x2.add (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1.1111111111111p-5))))
                  (local.set $gpq (f64x2.sub (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1.999999999999ap-5))))
                  (local.set $gpq (f64x2.add (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1.5555555555555p-4))))
                  (local.set $gpq (f64x2.sub (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1.5555555555555p-3))))
                  (local.set $gpq (f64x2.add (f64x2.mul (local.get $gpq) (local.get $rv)) (f64x2.splat (f64.const 0x1p-1))))
                  (local.set $gpq (f64x2.mul (f64x2.mul (local.get $gpq) (local.get $rv)) (local.get $rv)))
                  (local.set $gpq (f64x2.mul (local.get $qv) (local.get $gpq)))
                  (local.set $gqp (f64x2.splat (f64.const 0x1.1111111111111p-8)))
                  (local.set $gqp (f64x2.sub (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1.3813813813814p-8))))
                  (local.set $gqp (f64x2.add (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1.6816816816817p-8))))
                  (local.set $gqp (f64x2.sub (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1.a41a41a41a41ap-8))))
                  (local.set $gqp (f64x2.add (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1.f07c1f07c1f08p-8))))
                  (local.set $gqp (f64x2.sub (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1.29e4129e4129ep-7))))
                  (local.set $gqp (f64x2.add (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1.6c16c16c16c17p-7))))
                  (local.set $gqp (f64x2.sub (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1.c71c71c71c71cp-7))))
                  (local.set $gqp (f64x2.add (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1.2492492492492p-6))))
                  (local.set $gqp (f64x2.sub (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1.8618618618618p-6))))
                  (local.set $gqp (f64x2.add (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1.1111111111111p-5))))
                  (local.set $gqp (f64x2.sub (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1.999999999999ap-5))))
                  (local.set $gqp (f64x2.add (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1.5555555555555p-4))))
                  (local.set $gqp (f64x2.sub (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1.5555555555555p-3))))
                  (local.set $gqp (f64x2.add (f64x2.mul (local.get $gqp) (local.get $rrv)) (f64x2.splat (f64.const 0x1p-1))))
                  (local.set $gqp (f64x2.mul (f64x2.mul (local.get $gqp) (local.get $rrv)) (local.get $rrv)))
                  (local.set $gqp (f64x2.mul (local.get $pv) (local.get $gqp)))
                  (local.set $sqv (f64x2.mul (local.get $rjv) (local.get $rjv)))
                  (local.set $jsv (f64x2.splat (f64.const 0x1.1111111111111p-7)))
                  (local.set $jsv (f64x2.add (f64x2.mul (local.get $jsv) (local.get $sqv)) (f64x2.splat (f64.const 0x1.6816816816817p-7))))
                  (local.set $jsv (f64x2.add (f64x2.mul (local.get $jsv) (local.get $sqv)) (f64x2.splat (f64.const 0x1.f07c1f07c1f08p-7))))
                  (local.set $jsv (f64x2.add (f64x2.mul (local.get $jsv) (local.get $sqv)) (f64x2.splat (f64.const 0x1.6c16c16c16c17p-6))))
                  (local.set $jsv (f64x2.add (f64x2.mul (local.get $jsv) (local.get $sqv)) (f64x2.splat (f64.const 0x1.2492492492492p-5))))
                  (local.set $jsv (f64x2.add (f64x2.mul (local.get $jsv) (local.get $sqv)) (f64x2.splat (f64.const 0x1.1111111111111p-4))))
                  (local.set $jsv (f64x2.add (f64x2.mul (local.get $jsv) (local.get $sqv)) (f64x2.splat (f64.const 0x1.5555555555555p-3))))
                  (local.set $jsv (f64x2.add (f64x2.mul (local.get $jsv) (local.get $sqv)) (f64x2.splat (f64.const 0x1p+0))))
                  (local.set $jsv (f64x2.mul (local.get $jsv) (local.get $sqv)))
                  (local.set $jsv (f64x2.mul (f64x2.mul (local.get $totv) (f64x2.splat (f64.const 0x1p-2))) (local.get $jsv)))
                  ;; value i: its terms, two sums to a vector, each sum in index order
                  (local.set $vv (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $entP) (local.get $entQ)))
                  (local.set $tv2 (f64x2.add (local.get $SA) (local.get $vv)))
                  (local.set $kv (f64x2.sub (local.get $tv2) (local.get $SA)))
                  (local.set $CA
                    (f64x2.add
                      (local.get $CA)
                      (f64x2.add
                        (f64x2.sub (local.get $SA) (f64x2.sub (local.get $tv2) (local.get $kv)))
                        (f64x2.sub (local.get $vv) (local.get $kv)))))
                  (local.set $SA (local.get $tv2))
                  (local.set $vv (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $crPQ) (local.get $crQP)))
                  (local.set $tv2 (f64x2.add (local.get $SB) (local.get $vv)))
                  (local.set $kv (f64x2.sub (local.get $tv2) (local.get $SB)))
                  (local.set $CB
                    (f64x2.add
                      (local.get $CB)
                      (f64x2.add
                        (f64x2.sub (local.get $SB) (f64x2.sub (local.get $tv2) (local.get $kv)))
                        (f64x2.sub (local.get $vv) (local.get $kv)))))
                  (local.set $SB (local.get $tv2))
                  (local.set $vv (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $gpq) (local.get $gqp)))
                  (local.set $tv2 (f64x2.add (local.get $SC) (local.get $vv)))
                  (local.set $kv (f64x2.sub (local.get $tv2) (local.get $SC)))
                  (local.set $CC
                    (f64x2.add
                      (local.get $CC)
                      (f64x2.add
                        (f64x2.sub (local.get $SC) (f64x2.sub (local.get $tv2) (local.get $kv)))
                        (f64x2.sub (local.get $vv) (local.get $kv)))))
                  (local.set $SC (local.get $tv2))
                  (local.set $vv (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $tvv) (local.get $helv)))
                  (local.set $tv2 (f64x2.add (local.get $SD) (local.get $vv)))
                  (local.set $kv (f64x2.sub (local.get $tv2) (local.get $SD)))
                  (local.set $CD
                    (f64x2.add
                      (local.get $CD)
                      (f64x2.add
                        (f64x2.sub (local.get $SD) (f64x2.sub (local.get $tv2) (local.get $kv)))
                        (f64x2.sub (local.get $vv) (local.get $kv)))))
                  (local.set $SD (local.get $tv2))
                  (local.set $vv (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $jsv) (local.get $zero)))
                  (local.set $tv2 (f64x2.add (local.get $SE) (local.get $vv)))
                  (local.set $kv (f64x2.sub (local.get $tv2) (local.get $SE)))
                  (local.set $CE
                    (f64x2.add
                      (local.get $CE)
                      (f64x2.add
                        (f64x2.sub (local.get $SE) (f64x2.sub (local.get $tv2) (local.get $kv)))
                        (f64x2.sub (local.get $vv) (local.get $kv)))))
                  (local.set $SE (local.get $tv2))
                  ;; value i + 1: its terms, two sums to a vector, each sum in index order
                  (local.set $vv (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $entP) (local.get $entQ)))
                  (local.set $tv2 (f64x2.add (local.get $SA) (local.get $vv)))
                  (local.set $kv (f64x2.sub (local.get $tv2) (local.get $SA)))
                  (local.set $CA
                    (f64x2.add
                      (local.get $CA)
                      (f64x2.add
                        (f64x2.sub (local.get $SA) (f64x2.sub (local.get $tv2) (local.get $kv)))
                        (f64x2.sub (local.get $vv) (local.get $kv)))))
                  (local.set $SA (local.get $tv2))
                  (local.set $vv (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $crPQ) (local.get $crQP)))
                  (local.set $tv2 (f64x2.add (local.get $SB) (local.get $vv)))
                  (local.set $kv (f64x2.sub (local.get $tv2) (local.get $SB)))
                  (local.set $CB
                    (f64x2.add
                      (local.get $CB)
                      (f64x2.add
                        (f64x2.sub (local.get $SB) (f64x2.sub (local.get $tv2) (local.get $kv)))
                        (f64x2.sub (local.get $vv) (local.get $kv)))))
                  (local.set $SB (local.get $tv2))
                  (local.set $vv (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $gpq) (local.get $gqp)))
                  (local.set $tv2 (f64x2.add (local.get $SC) (local.get $vv)))
                  (local.set $kv (f64x2.sub (local.get $tv2) (local.get $SC)))
                  (local.set $CC
                    (f64x2.add
                      (local.get $CC)
                      (f64x2.add
                        (f64x2.sub (local.get $SC) (f64x2.sub (local.get $tv2) (local.get $kv)))
                        (f64x2.sub (local.get $vv) (local.get $kv)))))
                  (local.set $SC (local.get $tv2))
                  (local.set $vv (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $tvv) (local.get $helv)))
                  (local.set $tv2 (f64x2.add (local.get $SD) (local.get $vv)))
                  (local.set $kv (f64x2.sub (local.get $tv2) (local.get $SD)))
                  (local.set $CD
                    (f64x2.add
                      (local.get $CD)
                      (f64x2.add
                        (f64x2.sub (local.get $SD) (f64x2.sub (local.get $tv2) (local.get $kv)))
                        (f64x2.sub (local.get $vv) (local.get $kv)))))
                  (local.set $SD (local.get $tv2))
                  (local.set $vv (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $jsv) (local.get $zero)))
                  (local.set $tv2 (f64x2.add (local.get $SE) (local.get $vv)))
                  (local.set $kv (f64x2.sub (local.get $tv2) (local.get $SE)))
                  (local.set $CE
                    (f64x2.add
                      (local.get $CE)
                      (f64x2.add
                        (f64x2.sub (local.get $SE) (f64x2.sub (local.get $tv2) (local.get $kv)))
                        (f64x2.sub (local.get $vv) (local.get $kv)))))
                  (local.set $SE (local.get $tv2))
                  (local.set $i (i32.add (local.get $i) (i32.const 2)))
                  (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                  (if (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $n))
                    (then
                      (local.set $pv (v128.load (i32.add (local.get $p) (local.get $at))))
                      (local.set $qv (v128.load (i32.add (local.get $q) (local.get $at))))
                      (local.set $dv (f64x2.sub (local.get $pv) (local.get $qv)))
                      (local.set $rv (f64x2.div (local.get $dv) (local.get $qv)))
                      (local.set $rrv (f64x2.div (f64x2.sub (local.get $qv) (local.get $pv)) (local.get $pv)))
                      (local.set $totv (f64x2.add (local.get $pv) (local.get $qv)))
                      (local.set $rjv (f64x2.div (local.get $dv) (local.get $totv)))
                      (local.set $near
                        (i64x2.all_true
                          (v128.and
                            (v128.and
                              (f64x2.lt (f64x2.abs (local.get $rv)) (f64x2.splat (f64.const 0x1.999999999999ap-5)))
                              (f64x2.lt (f64x2.abs (local.get $rrv)) (f64x2.splat (f64.const 0x1.999999999999ap-5))))
                            (f64x2.lt (f64x2.abs (local.get $rjv)) (f64x2.splat (f64.const 0x1.999999999999ap-5))))))
                      (br_if $run (local.get $near)))))
                (local.set $entropyP (f64x2.extract_lane 0 (local.get $SA)))
                (local.set $c_entropyP (f64x2.extract_lane 0 (local.get $CA)))
                (local.set $entropyQ (f64x2.extract_lane 1 (local.get $SA)))
                (local.set $c_entropyQ (f64x2.extract_lane 1 (local.get $CA)))
                (local.set $crossPQ (f64x2.extract_lane 0 (local.get $SB)))
                (local.set $c_crossPQ (f64x2.extract_lane 0 (local.get $CB)))
                (local.set $crossQP (f64x2.extract_lane 1 (local.get $SB)))
                (local.set $c_crossQP (f64x2.extract_lane 1 (local.get $CB)))
                (local.set $gPQ (f64x2.extract_lane 0 (local.get $SC)))
                (local.set $c_gPQ (f64x2.extract_lane 0 (local.get $CC)))
                (local.set $gQP (f64x2.extract_lane 1 (local.get $SC)))
                (local.set $c_gQP (f64x2.extract_lane 1 (local.get $CC)))
                (local.set $tv (f64x2.extract_lane 0 (local.get $SD)))
                (local.set $c_tv (f64x2.extract_lane 0 (local.get $CD)))
                (local.set $hel (f64x2.extract_lane 1 (local.get $SD)))
                (local.set $c_hel (f64x2.extract_lane 1 (local.get $CD)))
                (local.set $js (f64x2.extract_lane 0 (local.get $SE)))
                (local.set $c_js (f64x2.extract_lane 0 (local.get $CE)))
                (br $next)))))
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; One value, as pairKernel's loop body (normalised rows with log-probabilities, every measure).
        (local.set $pi (f64.load (i32.add (local.get $p) (local.get $at))))
        (local.set $qi (f64.load (i32.add (local.get $q) (local.get $at))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.and (f64.eq (local.get $pi) (f64.const 0)) (f64.eq (local.get $qi) (f64.const 0))))
        (if (f64.eq (local.get $qi) (f64.const 0))
          (then (local.set $pOnly (i32.add (local.get $pOnly) (i32.const 1))))
          (else
            (if (f64.eq (local.get $pi) (f64.const 0))
              (then (local.set $qOnly (i32.add (local.get $qOnly) (i32.const 1)))))))
        (local.set $lp (select (f64.load (i32.add (local.get $logP) (local.get $at))) (f64.const 0) (f64.gt (local.get $pi) (f64.const 0))))
        (local.set $lq (select (f64.load (i32.add (local.get $logQ) (local.get $at))) (f64.const 0) (f64.gt (local.get $qi) (f64.const 0))))
        (if (f64.gt (local.get $pi) (f64.const 0))
          (then
            (local.set $v (f64.mul (f64.neg (local.get $pi)) (local.get $lp)))
            (local.set $t (f64.add (local.get $entropyP) (local.get $v)))
            (local.set $c_entropyP
              (f64.add
                (local.get $c_entropyP)
                (select
                  (f64.add (f64.sub (local.get $entropyP) (local.get $t)) (local.get $v))
                  (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $entropyP))
                  (f64.ge (f64.abs (local.get $entropyP)) (f64.abs (local.get $v))))))
            (local.set $entropyP (local.get $t))))
        (if (f64.gt (local.get $qi) (f64.const 0))
          (then
            (local.set $v (f64.mul (f64.neg (local.get $qi)) (local.get $lq)))
            (local.set $t (f64.add (local.get $entropyQ) (local.get $v)))
            (local.set $c_entropyQ
              (f64.add
                (local.get $c_entropyQ)
                (select
                  (f64.add (f64.sub (local.get $entropyQ) (local.get $t)) (local.get $v))
                  (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $entropyQ))
                  (f64.ge (f64.abs (local.get $entropyQ)) (f64.abs (local.get $v))))))
            (local.set $entropyQ (local.get $t))))
        (if (f64.gt (local.get $pi) (f64.const 0))
          (then
            (if (f64.eq (local.get $qi) (f64.const 0))
              (then (local.set $crossPQ (f64.const inf)))
              (else
                (local.set $v (f64.mul (f64.neg (local.get $pi)) (local.get $lq)))
                (local.set $t (f64.add (local.get $crossPQ) (local.get $v)))
                (local.set $c_crossPQ
                  (f64.add
                    (local.get $c_crossPQ)
                    (select
                      (f64.add (f64.sub (local.get $crossPQ) (local.get $t)) (local.get $v))
                      (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $crossPQ))
                      (f64.ge (f64.abs (local.get $crossPQ)) (f64.abs (local.get $v))))))
                (local.set $crossPQ (local.get $t))))))
        (if (f64.gt (local.get $qi) (f64.const 0))
          (then
            (if (f64.eq (local.get $pi) (f64.const 0))
              (then (local.set $crossQP (f64.const inf)))
              (else
                (local.set $v (f64.mul (f64.neg (local.get $qi)) (local.get $lp)))
                (local.set $t (f64.add (local.get $crossQP) (local.get $v)))
                (local.set $c_crossQP
                  (f64.add
                    (local.get $c_crossQP)
                    (select
                      (f64.add (f64.sub (local.get $crossQP) (local.get $t)) (local.get $v))
                      (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $crossQP))
                      (f64.ge (f64.abs (local.get $crossQP)) (f64.abs (local.get $v))))))
                (local.set $crossQP (local.get $t))))))
        (br_if $next (f64.eq (local.get $pi) (local.get $qi)))
        (local.set $v (f64.abs (f64.sub (local.get $pi) (local.get $qi))))
        (local.set $t (f64.add (local.get $tv) (local.get $v)))
        (local.set $c_tv
          (f64.add
            (local.get $c_tv)
            (select
              (f64.add (f64.sub (local.get $tv) (local.get $t)) (local.get $v))
              (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $tv))
              (f64.ge (f64.abs (local.get $tv)) (f64.abs (local.get $v))))))
        (local.set $tv (local.get $t))
        (local.set $difference
          (f64.div (f64.sub (local.get $pi) (local.get $qi)) (f64.add (f64.sqrt (local.get $pi)) (f64.sqrt (local.get $qi)))))
        (local.set $v (f64.mul (local.get $difference) (local.get $difference)))
        (local.set $t (f64.add (local.get $hel) (local.get $v)))
        (local.set $c_hel
          (f64.add
            (local.get $c_hel)
            (select
              (f64.add (f64.sub (local.get $hel) (local.get $t)) (local.get $v))
              (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $hel))
              (f64.ge (f64.abs (local.get $hel)) (f64.abs (local.get $v))))))
        (local.set $hel (local.get $t))
        (local.set $logRatio (f64.const nan))
        (if (i32.or (f64.eq (local.get $pi) (f64.const 0)) (f64.eq (local.get $qi) (f64.const 0)))
          (then
            ;; g(0, q) = q, g(p, 0) = +Infinity (and symmetrically for the reverse)
            (if (f64.eq (local.get $pi) (f64.const 0))
              (then
                (local.set $v (local.get $qi))
                (local.set $t (f64.add (local.get $gPQ) (local.get $v)))
                (local.set $c_gPQ
                  (f64.add
                    (local.get $c_gPQ)
                    (select
                      (f64.add (f64.sub (local.get $gPQ) (local.get $t)) (local.get $v))
                      (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $gPQ))
                      (f64.ge (f64.abs (local.get $gPQ)) (f64.abs (local.get $v))))))
                (local.set $gPQ (local.get $t))
                (local.set $gQP (f64.const inf)))
              (else
                (local.set $gPQ (f64.const inf))
                (local.set $v (local.get $pi))
                (local.set $t (f64.add (local.get $gQP) (local.get $v)))
                (local.set $c_gQP
                  (f64.add
                    (local.get $c_gQP)
                    (select
                      (f64.add (f64.sub (local.get $gQP) (local.get $t)) (local.get $v))
                      (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $gQP))
                      (f64.ge (f64.abs (local.get $gQP)) (f64.abs (local.get $v))))))
                (local.set $gQP (local.get $t))))
            (local.set $v (f64.mul (f64.mul (f64.add (local.get $pi) (local.get $qi)) (f64.const 0.5)) (f64.const 0x1.62e42fefa39efp-1)))
            (local.set $t (f64.add (local.get $js) (local.get $v)))
            (local.set $c_js
              (f64.add
                (local.get $c_js)
                (select
                  (f64.add (f64.sub (local.get $js) (local.get $t)) (local.get $v))
                  (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $js))
                  (f64.ge (f64.abs (local.get $js)) (f64.abs (local.get $v))))))
            (local.set $js (local.get $t))
            (br $next)))
        (local.set $ratio (f64.div (local.get $pi) (local.get $qi)))
        (local.set $inBand (i32.and (f64.gt (local.get $ratio) (f64.const 0.5)) (f64.lt (local.get $ratio) (f64.const 2))))
        (if (local.get $inBand)
          (then
            (local.set $r (f64.div (f64.sub (local.get $pi) (local.get $qi)) (local.get $qi)))
            (local.set $rRev (f64.div (f64.sub (local.get $qi) (local.get $pi)) (local.get $pi)))
            (if (f64.lt (f64.abs (local.get $r)) (f64.const 0x1.999999999999ap-5))
              (then
                (local.set $v (f64.mul (local.get $qi) (call $h (local.get $r))))
                (local.set $t (f64.add (local.get $gPQ) (local.get $v)))
                (local.set $c_gPQ
                  (f64.add
                    (local.get $c_gPQ)
                    (select
                      (f64.add (f64.sub (local.get $gPQ) (local.get $t)) (local.get $v))
                      (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $gPQ))
                      (f64.ge (f64.abs (local.get $gPQ)) (f64.abs (local.get $v))))))
                (local.set $gPQ (local.get $t)))
              (else
                (local.set $logRatio (call $log1p (local.get $r)))
                (local.set $v (f64.mul (local.get $qi) (f64.sub (f64.mul (f64.add (f64.const 1) (local.get $r)) (local.get $logRatio)) (local.get $r))))
                (local.set $t (f64.add (local.get $gPQ) (local.get $v)))
                (local.set $c_gPQ
                  (f64.add
                    (local.get $c_gPQ)
                    (select
                      (f64.add (f64.sub (local.get $gPQ) (local.get $t)) (local.get $v))
                      (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $gPQ))
                      (f64.ge (f64.abs (local.get $gPQ)) (f64.abs (local.get $v))))))
                (local.set $gPQ (local.get $t))))
            (if (f64.lt (f64.abs (local.get $rRev)) (f64.const 0x1.999999999999ap-5))
              (then
                (local.set $v (f64.mul (local.get $pi) (call $h (local.get $rRev))))
                (local.set $t (f64.add (local.get $gQP) (local.get $v)))
                (local.set $c_gQP
                  (f64.add
                    (local.get $c_gQP)
                    (select
                      (f64.add (f64.sub (local.get $gQP) (local.get $t)) (local.get $v))
                      (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $gQP))
                      (f64.ge (f64.abs (local.get $gQP)) (f64.abs (local.get $v))))))
                (local.set $gQP (local.get $t)))
              (else
                (if (f64.ne (local.get $logRatio) (local.get $logRatio))
                  (then (local.set $logRatio (call $log1p (local.get $r)))))
                (local.set $v (f64.add (f64.sub (f64.mul (f64.neg (local.get $qi)) (local.get $logRatio)) (local.get $qi)) (local.get $pi)))
                (local.set $t (f64.add (local.get $gQP) (local.get $v)))
                (local.set $c_gQP
                  (f64.add
                    (local.get $c_gQP)
                    (select
                      (f64.add (f64.sub (local.get $gQP) (local.get $t)) (local.get $v))
                      (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $gQP))
                      (f64.ge (f64.abs (local.get $gQP)) (f64.abs (local.get $v))))))
                (local.set $gQP (local.get $t)))))
          (else
            (local.set $logRatio
              (f64.sub (f64.load (i32.add (local.get $logP) (local.get $at))) (f64.load (i32.add (local.get $logQ) (local.get $at)))))
            (local.set $v (f64.add (f64.sub (f64.mul (local.get $pi) (local.get $logRatio)) (local.get $pi)) (local.get $qi)))
            (local.set $t (f64.add (local.get $gPQ) (local.get $v)))
            (local.set $c_gPQ
              (f64.add
                (local.get $c_gPQ)
                (select
                  (f64.add (f64.sub (local.get $gPQ) (local.get $t)) (local.get $v))
                  (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $gPQ))
                  (f64.ge (f64.abs (local.get $gPQ)) (f64.abs (local.get $v))))))
            (local.set $gPQ (local.get $t))
            (local.set $v (f64.add (f64.sub (f64.mul (f64.neg (local.get $qi)) (local.get $logRatio)) (local.get $qi)) (local.get $pi)))
            (local.set $t (f64.add (local.get $gQP) (local.get $v)))
            (local.set $c_gQP
              (f64.add
                (local.get $c_gQP)
                (select
                  (f64.add (f64.sub (local.get $gQP) (local.get $t)) (local.get $v))
                  (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $gQP))
                  (f64.ge (f64.abs (local.get $gQP)) (f64.abs (local.get $v))))))
            (local.set $gQP (local.get $t))))
        (local.set $total (f64.add (local.get $pi) (local.get $qi)))
        (local.set $r (f64.div (f64.sub (local.get $pi) (local.get $qi)) (local.get $total)))
        (if (f64.lt (f64.abs (local.get $r)) (f64.const 0x1.999999999999ap-5))
          (then (local.set $phi (call $phi (local.get $r))))
          (else
            (if (f64.ne (local.get $logRatio) (local.get $logRatio))
              (then
                (local.set $logRatio
                  (if (result f64) (local.get $inBand)
                    (then (call $log1p (f64.div (f64.sub (local.get $pi) (local.get $qi)) (local.get $qi))))
                    (else
                      (f64.sub (f64.load (i32.add (local.get $logP) (local.get $at))) (f64.load (i32.add (local.get $logQ) (local.get $at)))))))))
            ;; 1 ± r = 2p/(p+q), 2q/(p+q); the log of the larger, the other through log(p/q)
            (local.set $onePlus (f64.div (f64.mul (f64.const 2) (local.get $pi)) (local.get $total)))
            (local.set $oneMinus (f64.div (f64.mul (f64.const 2) (local.get $qi)) (local.get $total)))
            (if (f64.gt (local.get $pi) (local.get $qi))
              (then
                (local.set $up (call $log (local.get $onePlus)))
                (local.set $down (f64.sub (local.get $up) (local.get $logRatio))))
              (else
                (local.set $down (call $log (local.get $oneMinus)))
                (local.set $up (f64.add (local.get $down) (local.get $logRatio)))))
            (local.set $phi
              (f64.add (f64.mul (local.get $onePlus) (local.get $up)) (f64.mul (local.get $oneMinus) (local.get $down))))))
        (local.set $v (f64.mul (f64.mul (local.get $total) (f64.const 0x1p-2)) (local.get $phi)))
        (local.set $t (f64.add (local.get $js) (local.get $v)))
        (local.set $c_js
          (f64.add
            (local.get $c_js)
            (select
              (f64.add (f64.sub (local.get $js) (local.get $t)) (local.get $v))
              (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $js))
              (f64.ge (f64.abs (local.get $js)) (f64.abs (local.get $v))))))
        (local.set $js (local.get $t))
        (br $next)))
    (f64.store offset=0 (local.get $out) (local.get $entropyP))
    (f64.store offset=72 (local.get $out) (local.get $c_entropyP))
    (f64.store offset=8 (local.get $out) (local.get $entropyQ))
    (f64.store offset=80 (local.get $out) (local.get $c_entropyQ))
    (f64.store offset=16 (local.get $out) (local.get $crossPQ))
    (f64.store offset=88 (local.get $out) (local.get $c_crossPQ))
    (f64.store offset=24 (local.get $out) (local.get $crossQP))
    (f64.store offset=96 (local.get $out) (local.get $c_crossQP))
    (f64.store offset=32 (local.get $out) (local.get $gPQ))
    (f64.store offset=104 (local.get $out) (local.get $c_gPQ))
    (f64.store offset=40 (local.get $out) (local.get $gQP))
    (f64.store offset=112 (local.get $out) (local.get $c_gQP))
    (f64.store offset=48 (local.get $out) (local.get $tv))
    (f64.store offset=120 (local.get $out) (local.get $c_tv))
    (f64.store offset=56 (local.get $out) (local.get $hel))
    (f64.store offset=128 (local.get $out) (local.get $c_hel))
    (f64.store offset=64 (local.get $out) (local.get $js))
    (f64.store offset=136 (local.get $out) (local.get $c_js))
    (i32.store offset=144 (local.get $out) (local.get $pOnly))
    (i32.store offset=148 (local.get $out) (local.get $qOnly)))
)
