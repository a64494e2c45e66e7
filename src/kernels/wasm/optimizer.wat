;; The optimiser's work, four lanes at a time: filling its gradients with zeros (zeroGrad), and the
;; update of SGD with momentum after its first step:
;;
;;   buf[i] = momentum * buf[i] + keep * g[i]      (keep = 1 - dampening)
;;   w[i]   = w[i] - lr * buf[i]
;;
;; Every product and sum is rounded to float32, as PyTorch's float32 ops round them. The lanes past
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

  (func (export "sgd_momentum")
    (param $w i32) (param $g i32) (param $buf i32) (param $count i32)
    (param $lr f32) (param $momentum f32) (param $keep f32)
    (local $lr4 v128) (local $momentum4 v128) (local $keep4 v128) (local $b4 v128) (local $b f32)
    local.get $lr  f32x4.splat  local.set $lr4
    local.get $momentum  f32x4.splat  local.set $momentum4
    local.get $keep  f32x4.splat  local.set $keep4
    block $done
      loop $vec
        local.get $count  i32.const 4  i32.lt_s  br_if $done
        ;; b = momentum * buf + keep * g
        local.get $buf  v128.load align=4  local.get $momentum4  f32x4.mul
        local.get $g  v128.load align=4  local.get $keep4  f32x4.mul
        f32x4.add  local.set $b4
        local.get $buf  local.get $b4  v128.store align=4
        ;; w = w - lr * b
        local.get $w
        local.get $w  v128.load align=4  local.get $b4  local.get $lr4  f32x4.mul  f32x4.sub
        v128.store align=4
        local.get $w  i32.const 16  i32.add  local.set $w
        local.get $g  i32.const 16  i32.add  local.set $g
        local.get $buf  i32.const 16  i32.add  local.set $buf
        local.get $count  i32.const 4  i32.sub  local.set $count
        br $vec
      end
    end
    block $done1
      loop $one
        local.get $count  i32.const 0  i32.le_s  br_if $done1
        local.get $buf  f32.load  local.get $momentum  f32.mul
        local.get $g  f32.load  local.get $keep  f32.mul
        f32.add  local.set $b
        local.get $buf  local.get $b  f32.store
        local.get $w
        local.get $w  f32.load  local.get $b  local.get $lr  f32.mul  f32.sub
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
