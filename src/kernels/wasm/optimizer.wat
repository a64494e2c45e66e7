;; The optimiser's work, four lanes at a time: filling its gradients with zeros (zeroGrad), and the
;; update of SGD with momentum after its first step:
;;
;;   buf[i] = momentum * buf[i] + keep * g[i]      (keep = 1 - dampening)
;;   w[i]   = w[i] - lr * buf[i]
;;
;; rounded to float32 exactly as PyTorch's CPU kernels round them (see sgd_momentum). The lanes past
;; the last multiple of four are done one at a time with the same operations.

(module
  (import "env" "memory" (memory 1))

  ;; x[i] = value for i < count
  (func (export "fill") (param $x i32) (param $count i32) (param $value f32)
    (local $v v128)
    local.get $value  f32x4.splat  local.set $v
    block $done
      loop $vec
        local.get $count  i32.const 4  i32.lt_s  br_if $done
        local.get $x  local.get $v  v128.store align=4
        local.get $x  i32.const 16  i32.add  local.set $x
        local.get $count  i32.const 4  i32.sub  local.set $count
        br $vec
      end
    end
    block $done1
      loop $one
        local.get $count  i32.const 0  i32.le_s  br_if $done1
        local.get $x  local.get $value  f32.store
        local.get $x  i32.const 4  i32.add  local.set $x
        local.get $count  i32.const 1  i32.sub  local.set $count
        br $one
      end
    end
  )

  ;; buf[i] = round(round(buf[i] * momentum) + keep * g[i]), then w[i] = round(w[i] + step * buf[i])
  ;; (step = -lr). Each `x + a * y` is worked out in f64 lanes, where the product of two floats is
  ;; exact, and rounded to f32 once: the fused multiply-add PyTorch's kernels compute. With keep = 1
  ;; the first is one f32 add, which rounds once already. The f64 halves are loaded two floats at a
  ;; time (load64_zero) and stored the same way (store64_lane): cheaper than shuffling lanes around.
  (func (export "sgd_momentum")
    (param $w i32) (param $g i32) (param $buf i32) (param $count i32)
    (param $step f32) (param $momentum f32) (param $keep f32)
    (local $m4 v128) (local $keep2 v128) (local $step2 v128) (local $bs f32)
    local.get $momentum  f32x4.splat  local.set $m4
    local.get $keep  f64.promote_f32  f64x2.splat  local.set $keep2
    local.get $step  f64.promote_f32  f64x2.splat  local.set $step2
    local.get $keep  f32.const 1  f32.eq
    if
      block $done
        loop $vec
          local.get $count  i32.const 4  i32.lt_s  br_if $done
          ;; buf = buf * momentum + g, four lanes of f32
          local.get $buf
          local.get $buf  v128.load align=4  local.get $m4  f32x4.mul
          local.get $g  v128.load align=4  f32x4.add
          v128.store align=4
          ;; w = w + step * buf, two f64 lanes at a time
          local.get $w
          local.get $buf  v128.load64_zero align=4  f64x2.promote_low_f32x4  local.get $step2  f64x2.mul
          local.get $w  v128.load64_zero align=4  f64x2.promote_low_f32x4  f64x2.add
          f32x4.demote_f64x2_zero  v128.store64_lane align=4 0
          local.get $w
          local.get $buf  v128.load64_zero offset=8 align=4  f64x2.promote_low_f32x4  local.get $step2  f64x2.mul
          local.get $w  v128.load64_zero offset=8 align=4  f64x2.promote_low_f32x4  f64x2.add
          f32x4.demote_f64x2_zero  v128.store64_lane offset=8 align=4 0
          local.get $w  i32.const 16  i32.add  local.set $w
          local.get $g  i32.const 16  i32.add  local.set $g
          local.get $buf  i32.const 16  i32.add  local.set $buf
          local.get $count  i32.const 4  i32.sub  local.set $count
          br $vec
        end
      end
    else
      block $done2
        loop $pair
          local.get $count  i32.const 2  i32.lt_s  br_if $done2
          ;; buf = round(buf * momentum) + keep * g, two lanes in f64
          local.get $buf
          local.get $buf  v128.load64_zero align=4  local.get $m4  f32x4.mul  f64x2.promote_low_f32x4
          local.get $g  v128.load64_zero align=4  f64x2.promote_low_f32x4  local.get $keep2  f64x2.mul
          f64x2.add  f32x4.demote_f64x2_zero  v128.store64_lane align=4 0
          ;; w = w + step * buf
          local.get $w
          local.get $buf  v128.load64_zero align=4  f64x2.promote_low_f32x4  local.get $step2  f64x2.mul
          local.get $w  v128.load64_zero align=4  f64x2.promote_low_f32x4  f64x2.add
          f32x4.demote_f64x2_zero  v128.store64_lane align=4 0
          local.get $w  i32.const 8  i32.add  local.set $w
          local.get $g  i32.const 8  i32.add  local.set $g
          local.get $buf  i32.const 8  i32.add  local.set $buf
          local.get $count  i32.const 2  i32.sub  local.set $count
          br $pair
        end
      end
    end
    block $done1
      loop $one
        local.get $count  i32.const 0  i32.le_s  br_if $done1
        local.get $buf  f32.load  local.get $momentum  f32.mul  f64.promote_f32
        local.get $g  f32.load  f64.promote_f32  local.get $keep  f64.promote_f32  f64.mul
        f64.add  f32.demote_f64  local.set $bs
        local.get $buf  local.get $bs  f32.store
        local.get $w
        local.get $w  f32.load  f64.promote_f32
        local.get $bs  f64.promote_f32  local.get $step  f64.promote_f32  f64.mul
        f64.add  f32.demote_f64
        f32.store
        local.get $w  i32.const 4  i32.add  local.set $w
        local.get $g  i32.const 4  i32.add  local.set $g
        local.get $buf  i32.const 4  i32.add  local.set $buf
        local.get $count  i32.const 1  i32.sub  local.set $count
        br $one
      end
    end
  )
)
