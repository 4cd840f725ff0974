;; The numeric CSV fast path's line scanner (fast-csv.ts) in WebAssembly: one line of
;; `width` decimal numerals separated by one delimiter byte, each converted exactly as
;; fast-csv.ts's scanNumber converts it, or nothing (0) when any cell needs more than that
;; path gives: the JavaScript loop then reads the line, with its fallbacks and messages.
;;
;; Bit for bit scanNumber's values: the mantissa is the same integer (exact in an i64, and
;; below 10^15 by the same rule), converted to a double exactly (below 2^53) and multiplied
;; or divided by the same exact power of ten (Clinger's fast path: one correctly rounded
;; operation). Eight fraction digits at a time are read as one 64-bit word (the SWAR
;; method), which needs no branch per digit. test/unit/fast-path.test.ts compares it with
;; the JavaScript scanner and with Number().
;;
;; Memory (the caller's, numerals-wasm.ts): 10^0 … 10^22 as doubles at 0; the line's bytes
;; wherever the caller put them, with a byte after them that is not a digit (so that an
;; eight-byte read never takes a byte past the line for a digit); the values at `out`.
(module
  (import "env" "memory" (memory 1))

  (func (export "scanLine") (param $start i32) (param $end i32) (param $width i32) (param $delimiter i32) (param $out i32) (result i32)
    (local $i i32) (local $column i32) (local $c i32) (local $negative i32) (local $mantissa i64)
    (local $digits i32) (local $exponent i32) (local $fractionStart i32) (local $word i64)
    (local $eight i64) (local $sign i32) (local $explicit i32) (local $exponentStart i32) (local $value f64)
    (local.set $i (local.get $start))
    (block $fail
      (loop $cell
        (br_if $fail (i32.ge_u (local.get $column) (local.get $width)))
        ;; sign
        (local.set $negative (i32.const 0))
        (local.set $c (i32.load8_u (local.get $i)))
        (if (i32.eq (local.get $c) (i32.const 45))
          (then (local.set $negative (i32.const 1)) (local.set $i (i32.add (local.get $i) (i32.const 1))))
          (else (if (i32.eq (local.get $c) (i32.const 43)) (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))))
        (local.set $mantissa (i64.const 0))
        (local.set $digits (local.get $i))
        ;; integer digits; a mantissa of 10^14 or more before a digit ends at 10^15 or more:
        ;; more than 15 significant digits, scanNumber's exact-conversion case
        (block $integerDone
          (loop $integer
            (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
            (br_if $integerDone (i32.gt_u (local.get $c) (i32.const 9)))
            (br_if $fail (i64.ge_u (local.get $mantissa) (i64.const 100000000000000)))
            (local.set $mantissa (i64.add (i64.mul (local.get $mantissa) (i64.const 10)) (i64.extend_i32_u (local.get $c))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $integer)))
        (local.set $digits (i32.sub (local.get $i) (local.get $digits)))
        (local.set $exponent (i32.const 0))
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 46))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $fractionStart (local.get $i))
            ;; eight digits at a time: every byte of word − '0…0' below 10
            (block $eightsDone
              (loop $eights
                (local.set $word (i64.sub (i64.load (local.get $i)) (i64.const 0x3030303030303030)))
                (br_if $eightsDone
                  (i64.ne
                    (i64.and
                      (i64.or (local.get $word) (i64.add (local.get $word) (i64.const 0x0606060606060606)))
                      (i64.const 0xf0f0f0f0f0f0f0f0))
                    (i64.const 0)))
                ;; a mantissa of 10^7 or more becomes 10^15 or more
                (br_if $fail (i64.ge_u (local.get $mantissa) (i64.const 10000000)))
                ;; the eight digits' value: pairs, then fours, then the eight
                (local.set $eight
                  (i64.add (i64.mul (local.get $word) (i64.const 10)) (i64.shr_u (local.get $word) (i64.const 8))))
                (local.set $eight
                  (i64.shr_u
                    (i64.add
                      (i64.mul (i64.and (local.get $eight) (i64.const 0x000000ff000000ff)) (i64.const 4294967296000100))
                      (i64.mul
                        (i64.and (i64.shr_u (local.get $eight) (i64.const 16)) (i64.const 0x000000ff000000ff))
                        (i64.const 42949672960001)))
                    (i64.const 32)))
                (local.set $mantissa (i64.add (i64.mul (local.get $mantissa) (i64.const 100000000)) (local.get $eight)))
                (local.set $i (i32.add (local.get $i) (i32.const 8)))
                (br $eights)))
            (block $fractionDone
              (loop $fraction
                (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
                (br_if $fractionDone (i32.gt_u (local.get $c) (i32.const 9)))
                (br_if $fail (i64.ge_u (local.get $mantissa) (i64.const 100000000000000)))
                (local.set $mantissa (i64.add (i64.mul (local.get $mantissa) (i64.const 10)) (i64.extend_i32_u (local.get $c))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $fraction)))
            (local.set $exponent (i32.sub (local.get $fractionStart) (local.get $i)))
            (local.set $digits (i32.add (local.get $digits) (i32.sub (local.get $i) (local.get $fractionStart))))))
        (br_if $fail (i32.eqz (local.get $digits)))
        ;; exponent: e or E, a sign, at least one digit (counted up to 10^5, as scanExponent)
        (local.set $c (i32.load8_u (local.get $i)))
        (if (i32.or (i32.eq (local.get $c) (i32.const 101)) (i32.eq (local.get $c) (i32.const 69)))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $sign (i32.const 1))
            (local.set $c (i32.load8_u (local.get $i)))
            (if (i32.eq (local.get $c) (i32.const 45))
              (then (local.set $sign (i32.const -1)) (local.set $i (i32.add (local.get $i) (i32.const 1))))
              (else (if (i32.eq (local.get $c) (i32.const 43)) (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))))
            (local.set $explicit (i32.const 0))
            (local.set $exponentStart (local.get $i))
            (block $exponentDone
              (loop $exponentDigits
                (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
                (br_if $exponentDone (i32.gt_u (local.get $c) (i32.const 9)))
                (if (i32.lt_s (local.get $explicit) (i32.const 100000))
                  (then (local.set $explicit (i32.add (i32.mul (local.get $explicit) (i32.const 10)) (local.get $c)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $exponentDigits)))
            (br_if $fail (i32.eq (local.get $i) (local.get $exponentStart)))
            (local.set $exponent (i32.add (local.get $exponent) (i32.mul (local.get $sign) (local.get $explicit))))))
        ;; a power of ten past ±22 (for a mantissa other than 0): the exact conversion's case
        (br_if $fail
          (i32.and
            (i64.ne (local.get $mantissa) (i64.const 0))
            (i32.or (i32.gt_s (local.get $exponent) (i32.const 22)) (i32.lt_s (local.get $exponent) (i32.const -22)))))
        (local.set $value
          (if (result f64) (i64.eqz (local.get $mantissa))
            (then (f64.const 0))
            (else
              (if (result f64) (i32.ge_s (local.get $exponent) (i32.const 0))
                (then (f64.mul (f64.convert_i64_u (local.get $mantissa)) (f64.load (i32.shl (local.get $exponent) (i32.const 3)))))
                (else
                  (f64.div
                    (f64.convert_i64_u (local.get $mantissa))
                    (f64.load (i32.shl (i32.sub (i32.const 0) (local.get $exponent)) (i32.const 3)))))))))
        (f64.store
          (i32.add (local.get $out) (i32.shl (local.get $column) (i32.const 3)))
          (if (result f64) (local.get $negative) (then (f64.neg (local.get $value))) (else (local.get $value))))
        (local.set $column (i32.add (local.get $column) (i32.const 1)))
        ;; the line's end, or a delimiter and the next cell
        (if (i32.eq (local.get $i) (local.get $end))
          (then (return (i32.eq (local.get $column) (local.get $width)))))
        (br_if $fail (i32.ne (i32.load8_u (local.get $i)) (local.get $delimiter)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $cell)))
    (i32.const 0))
)
