;; Batch normalisation, one channel at a time, over a group of samples laid out [samples, channels,
;; inner]: the values of channel c in sample b are the run at ((b * channels + c) * inner) floats.
;; Two values at a time in f64 lanes, so each value is worked out as the plain loops of
;; kernels/js/batchnorm.ts work it out (in float64, rounded to float32 when stored); the sums are
;; float64 too, taken in two lanes (an order of adding that can differ in the last bit of a double).

(module
  (import "env" "memory" (memory 1))

  ;; the byte address of channel c's run in sample b
  (func $run (param $base i32) (param $b i32) (param $channels i32) (param $inner i32) (param $c i32) (result i32)
    local.get $base
    local.get $b  local.get $channels  i32.mul  local.get $c  i32.add  local.get $inner  i32.mul
    i32.const 4  i32.mul  i32.add
  )

  ;; the two lanes of an f64x2, added
  (func $lanes (param $v v128) (result f64)
    local.get $v  f64x2.extract_lane 0  local.get $v  f64x2.extract_lane 1  f64.add
  )

  ;; sum over the group of channel c's values (shift = 0), or of their squared distances from
  ;; `shift` (squares = 1)
  (func (export "channel_sum") (param $x i32) (param $samples i32) (param $channels i32) (param $inner i32) (param $c i32)
    (param $shift f64) (param $squares i32) (result f64)
    (local $b i32) (local $p i32) (local $n i32) (local $acc v128) (local $m2 v128) (local $d v128) (local $tail f64) (local $e f64)
    local.get $shift  f64x2.splat  local.set $m2
    block $samples_done
      loop $sample
        local.get $b  local.get $samples  i32.ge_s  br_if $samples_done
        local.get $x  local.get $b  local.get $channels  local.get $inner  local.get $c  call $run  local.set $p
        local.get $inner  local.set $n
        block $done
          loop $pair
            local.get $n  i32.const 2  i32.lt_s  br_if $done
            local.get $p  v128.load64_zero align=4  f64x2.promote_low_f32x4  local.set $d
            local.get $squares
            if
              local.get $d  local.get $m2  f64x2.sub  local.set $d
              local.get $d  local.get $d  f64x2.mul  local.set $d
            end
            local.get $acc  local.get $d  f64x2.add  local.set $acc
            local.get $p  i32.const 8  i32.add  local.set $p
            local.get $n  i32.const 2  i32.sub  local.set $n
            br $pair
          end
        end
        local.get $n
        if
          local.get $p  f32.load  f64.promote_f32  local.set $e
          local.get $squares
          if
            local.get $e  local.get $shift  f64.sub  local.set $e
            local.get $e  local.get $e  f64.mul  local.set $e
          end
          local.get $tail  local.get $e  f64.add  local.set $tail
        end
        local.get $b  i32.const 1  i32.add  local.set $b
        br $sample
      end
    end
    local.get $acc  call $lanes  local.get $tail  f64.add
  )

  ;; out = xhat * weight + bias, xhat = (x - mean) * invStd rounded to float32 (as the backward
  ;; works it out again from x: PyTorch too saves the input, not xhat)
  (func (export "channel_normalize") (param $x i32) (param $out i32)
    (param $samples i32) (param $channels i32) (param $inner i32) (param $c i32)
    (param $mean f64) (param $invstd f64) (param $weight f64) (param $bias f64)
    (local $b i32) (local $offset i32) (local $n i32) (local $m2 v128) (local $s2 v128) (local $w2 v128) (local $b2 v128) (local $h v128) (local $e f32)
    local.get $mean  f64x2.splat  local.set $m2
    local.get $invstd  f64x2.splat  local.set $s2
    local.get $weight  f64x2.splat  local.set $w2
    local.get $bias  f64x2.splat  local.set $b2
    block $samples_done
      loop $sample
        local.get $b  local.get $samples  i32.ge_s  br_if $samples_done
        i32.const 0  local.get $b  local.get $channels  local.get $inner  local.get $c  call $run  local.set $offset
        local.get $inner  local.set $n
        block $done
          loop $pair
            local.get $n  i32.const 2  i32.lt_s  br_if $done
            ;; h = f32((x - mean) * invStd), two lanes
            local.get $x  local.get $offset  i32.add  v128.load64_zero align=4  f64x2.promote_low_f32x4
            local.get $m2  f64x2.sub  local.get $s2  f64x2.mul  f32x4.demote_f64x2_zero  local.set $h
            local.get $out  local.get $offset  i32.add
            local.get $h  f64x2.promote_low_f32x4  local.get $w2  f64x2.mul  local.get $b2  f64x2.add  f32x4.demote_f64x2_zero
            v128.store64_lane align=4 0
            local.get $offset  i32.const 8  i32.add  local.set $offset
            local.get $n  i32.const 2  i32.sub  local.set $n
            br $pair
          end
        end
        local.get $n
        if
          local.get $x  local.get $offset  i32.add  f32.load  f64.promote_f32
          local.get $mean  f64.sub  local.get $invstd  f64.mul  f32.demote_f64  local.set $e
          local.get $out  local.get $offset  i32.add
          local.get $e  f64.promote_f32  local.get $weight  f64.mul  local.get $bias  f64.add  f32.demote_f64
          f32.store
        end
        local.get $b  i32.const 1  i32.add  local.set $b
        br $sample
      end
    end
  )

  ;; xhat = f32((x - mean) * invStd) is worked out again below from x exactly as channel_normalize
  ;; worked it out (written out at each use: a call per pair would cost more than the arithmetic)

  ;; sum(g) into result[0] and sum(g * xhat) into result[1] (two f64 at the byte address $result)
  (func (export "channel_grad_sums") (param $g i32) (param $x i32) (param $samples i32) (param $channels i32) (param $inner i32)
    (param $c i32) (param $mean f64) (param $invstd f64) (param $result i32)
    (local $b i32) (local $offset i32) (local $n i32) (local $gv v128) (local $sg v128) (local $sgx v128) (local $e f64) (local $tg f64) (local $tgx f64)
    (local $m2 v128) (local $s2 v128)
    local.get $mean  f64x2.splat  local.set $m2
    local.get $invstd  f64x2.splat  local.set $s2
    block $samples_done
      loop $sample
        local.get $b  local.get $samples  i32.ge_s  br_if $samples_done
        i32.const 0  local.get $b  local.get $channels  local.get $inner  local.get $c  call $run  local.set $offset
        local.get $inner  local.set $n
        block $done
          loop $pair
            local.get $n  i32.const 2  i32.lt_s  br_if $done
            local.get $g  local.get $offset  i32.add  v128.load64_zero align=4  f64x2.promote_low_f32x4  local.set $gv
            local.get $sg  local.get $gv  f64x2.add  local.set $sg
            local.get $sgx
            local.get $gv  local.get $x  local.get $offset  i32.add  v128.load64_zero align=4  f64x2.promote_low_f32x4  local.get $m2  f64x2.sub  local.get $s2  f64x2.mul  f32x4.demote_f64x2_zero  f64x2.promote_low_f32x4  f64x2.mul
            f64x2.add  local.set $sgx
            local.get $offset  i32.const 8  i32.add  local.set $offset
            local.get $n  i32.const 2  i32.sub  local.set $n
            br $pair
          end
        end
        local.get $n
        if
          local.get $g  local.get $offset  i32.add  f32.load  f64.promote_f32  local.set $e
          local.get $tg  local.get $e  f64.add  local.set $tg
          local.get $tgx  local.get $e  local.get $x  local.get $offset  i32.add  f32.load  f64.promote_f32  local.get $mean  f64.sub  local.get $invstd  f64.mul  f32.demote_f64  f64.promote_f32  f64.mul  f64.add  local.set $tgx
        end
        local.get $b  i32.const 1  i32.add  local.set $b
        br $sample
      end
    end
    local.get $result  local.get $sg  call $lanes  local.get $tg  f64.add  f64.store
    local.get $result  local.get $sgx  call $lanes  local.get $tgx  f64.add  f64.store offset=8
  )

  ;; dx = k * (count * g - sumG - xhat * sumGxHat) (training), or dx = k * g (count = 0: evaluation)
  (func (export "channel_grad_input") (param $g i32) (param $x i32) (param $dx i32) (param $samples i32) (param $channels i32)
    (param $inner i32) (param $c i32) (param $mean f64) (param $invstd f64) (param $k f64) (param $count f64) (param $sumg f64) (param $sumgx f64)
    (local $b i32) (local $offset i32) (local $n i32) (local $k2 v128) (local $c2 v128) (local $sg2 v128) (local $sgx2 v128) (local $v v128) (local $e f64)
    (local $m2 v128) (local $s2 v128)
    local.get $mean  f64x2.splat  local.set $m2
    local.get $invstd  f64x2.splat  local.set $s2
    local.get $k  f64x2.splat  local.set $k2
    local.get $count  f64x2.splat  local.set $c2
    local.get $sumg  f64x2.splat  local.set $sg2
    local.get $sumgx  f64x2.splat  local.set $sgx2
    block $samples_done
      loop $sample
        local.get $b  local.get $samples  i32.ge_s  br_if $samples_done
        i32.const 0  local.get $b  local.get $channels  local.get $inner  local.get $c  call $run  local.set $offset
        local.get $inner  local.set $n
        block $done
          loop $pair
            local.get $n  i32.const 2  i32.lt_s  br_if $done
            local.get $g  local.get $offset  i32.add  v128.load64_zero align=4  f64x2.promote_low_f32x4  local.set $v
            local.get $count  f64.const 0  f64.eq
            if
              local.get $k2  local.get $v  f64x2.mul  local.set $v
            else
              local.get $c2  local.get $v  f64x2.mul  local.get $sg2  f64x2.sub
              local.get $x  local.get $offset  i32.add  v128.load64_zero align=4  f64x2.promote_low_f32x4  local.get $m2  f64x2.sub  local.get $s2  f64x2.mul  f32x4.demote_f64x2_zero  f64x2.promote_low_f32x4  local.get $sgx2  f64x2.mul
              f64x2.sub  local.get $k2  f64x2.mul  local.set $v
            end
            local.get $dx  local.get $offset  i32.add  local.get $v  f32x4.demote_f64x2_zero  v128.store64_lane align=4 0
            local.get $offset  i32.const 8  i32.add  local.set $offset
            local.get $n  i32.const 2  i32.sub  local.set $n
            br $pair
          end
        end
        local.get $n
        if
          local.get $g  local.get $offset  i32.add  f32.load  f64.promote_f32  local.set $e
          local.get $count  f64.const 0  f64.eq
          if (result f64)
            local.get $k  local.get $e  f64.mul
          else
            local.get $count  local.get $e  f64.mul  local.get $sumg  f64.sub
            local.get $x  local.get $offset  i32.add  f32.load  f64.promote_f32  local.get $mean  f64.sub  local.get $invstd  f64.mul  f32.demote_f64  f64.promote_f32  local.get $sumgx  f64.mul
            f64.sub  local.get $k  f64.mul
          end
          local.set $e
          local.get $dx  local.get $offset  i32.add  local.get $e  f32.demote_f64  f32.store
        end
        local.get $b  i32.const 1  i32.add  local.set $b
        br $sample
      end
    end
  )
)
