;; ReLU, forward and backward, four lanes at a time.
;;
;;   forward:  out[i]  = max(x[i], 0)                 (f32x4.max: NaN stays NaN, -0 becomes +0)
;;   backward: dx[i]   = out[i] <= 0 ? 0 : g[i]       (a lane mask from f32x4.le, and-not with g: NaN passes)
;;
;; The lanes past the last multiple of four are done one at a time with the scalar forms, which
;; follow the same rules (f32.max, and a select on f32.gt).

(module
  (import "env" "memory" (memory 1))

  ;; out[i] = max(x[i], 0) for i < count
  (func (export "relu") (param $x i32) (param $out i32) (param $count i32)
    block $done
      loop $vec
        local.get $count  i32.const 4  i32.lt_s  br_if $done
        local.get $out
        local.get $x  v128.load align=4
        v128.const f32x4 0 0 0 0
        f32x4.max
        v128.store align=4
        local.get $x  i32.const 16  i32.add  local.set $x
        local.get $out  i32.const 16  i32.add  local.set $out
        local.get $count  i32.const 4  i32.sub  local.set $count
        br $vec
      end
    end
    block $done1
      loop $one
        local.get $count  i32.const 0  i32.le_s  br_if $done1
        local.get $out  local.get $x  f32.load  f32.const 0  f32.max  f32.store
        local.get $x  i32.const 4  i32.add  local.set $x
        local.get $out  i32.const 4  i32.add  local.set $out
        local.get $count  i32.const 1  i32.sub  local.set $count
        br $one
      end
    end
  )

  ;; dx[i] = out[i] <= 0 ? 0 : g[i] for i < count (a NaN output passes its gradient, as PyTorch)
  (func (export "relu_backward") (param $out i32) (param $g i32) (param $dx i32) (param $count i32)
    block $done
      loop $vec
        local.get $count  i32.const 4  i32.lt_s  br_if $done
        local.get $dx
        local.get $g  v128.load align=4
        local.get $out  v128.load align=4
        v128.const f32x4 0 0 0 0
        f32x4.le
        v128.andnot
        v128.store align=4
        local.get $out  i32.const 16  i32.add  local.set $out
        local.get $g  i32.const 16  i32.add  local.set $g
        local.get $dx  i32.const 16  i32.add  local.set $dx
        local.get $count  i32.const 4  i32.sub  local.set $count
        br $vec
      end
    end
    block $done1
      loop $one
        local.get $count  i32.const 0  i32.le_s  br_if $done1
        local.get $dx
        f32.const 0
        local.get $g  f32.load
        local.get $out  f32.load  f32.const 0  f32.le
        select
        f32.store
        local.get $out  i32.const 4  i32.add  local.set $out
        local.get $g  i32.const 4  i32.add  local.set $g
        local.get $dx  i32.const 4  i32.add  local.set $dx
        local.get $count  i32.const 1  i32.sub  local.set $count
        br $one
      end
    end
  )
)
