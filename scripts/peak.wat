;; The Wasm SIMD ceiling for the bench: a loop of f32x4 multiply + add on 12 independent
;; accumulators held in registers, with no memory access. Each iteration does 12 * (4 + 4) = 96
;; floating-point operations; nothing a kernel does in float32 SIMD can go faster.
(module
  (func (export "peak") (param $iters i32) (result f32)
    (local $m v128) (local $c v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128)
    (local $a6 v128) (local $a7 v128) (local $a8 v128) (local $a9 v128) (local $a10 v128) (local $a11 v128)
    v128.const f32x4 0.999 0.999 0.999 0.999  local.set $m
    v128.const f32x4 0.001 0.001 0.001 0.001  local.set $c
    v128.const f32x4 1 2 3 4  local.tee $a0  local.tee $a1  local.tee $a2  local.tee $a3  local.tee $a4  local.tee $a5
    local.tee $a6  local.tee $a7  local.tee $a8  local.tee $a9  local.tee $a10  local.set $a11
    loop $next
      local.get $a0  local.get $m  f32x4.mul  local.get $c  f32x4.add  local.set $a0
      local.get $a1  local.get $m  f32x4.mul  local.get $c  f32x4.add  local.set $a1
      local.get $a2  local.get $m  f32x4.mul  local.get $c  f32x4.add  local.set $a2
      local.get $a3  local.get $m  f32x4.mul  local.get $c  f32x4.add  local.set $a3
      local.get $a4  local.get $m  f32x4.mul  local.get $c  f32x4.add  local.set $a4
      local.get $a5  local.get $m  f32x4.mul  local.get $c  f32x4.add  local.set $a5
      local.get $a6  local.get $m  f32x4.mul  local.get $c  f32x4.add  local.set $a6
      local.get $a7  local.get $m  f32x4.mul  local.get $c  f32x4.add  local.set $a7
      local.get $a8  local.get $m  f32x4.mul  local.get $c  f32x4.add  local.set $a8
      local.get $a9  local.get $m  f32x4.mul  local.get $c  f32x4.add  local.set $a9
      local.get $a10  local.get $m  f32x4.mul  local.get $c  f32x4.add  local.set $a10
      local.get $a11  local.get $m  f32x4.mul  local.get $c  f32x4.add  local.set $a11
      local.get $iters  i32.const 1  i32.sub  local.tee $iters
      br_if $next
    end
    ;; use every accumulator, so none of the work can be dropped
    local.get $a0  local.get $a1  f32x4.add  local.get $a2  f32x4.add  local.get $a3  f32x4.add
    local.get $a4  f32x4.add  local.get $a5  f32x4.add  local.get $a6  f32x4.add  local.get $a7  f32x4.add
    local.get $a8  f32x4.add  local.get $a9  f32x4.add  local.get $a10  f32x4.add  local.get $a11  f32x4.add
    f32x4.extract_lane 0
  )
)
