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
)
