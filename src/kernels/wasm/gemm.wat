;; GEMM, C[m×n] = op(A)·op(B) (or C += ...), in WebAssembly SIMD, single-precision.
;;
;; The idea (the "Goto" scheme that BLAS libraries use), from the inside out:
;;
;;   1. The MICRO-KERNEL computes one 2×16 tile of C. The tile lives in 8 v128 registers
;;      (2 rows × 4 vectors of 4 floats). For every step p along k it loads 16 floats of B
;;      (four vectors), broadcasts each of the 2 floats of A in turn ("splat"), and does
;;      8 multiply-adds. The 8 accumulators are independent, so the CPU can keep several
;;      multiply-add chains in flight at once; that is where the speed comes from.
;;      Why 2×16 and not 4×8 (the same 8 accumulators): each broadcast serves 4 vectors instead
;;      of 2, and under V8 a broadcast costs a slot in the arithmetic pipes. Measured alone on a
;;      2-core AMD EPYC: 2×16 runs at ~110 % of the mul+add ceiling loop, 4×8 at ~87 %; tiles of
;;      12 accumulators or more (6×8, 4×12, ...) run out of registers and are far slower.
;;
;;   2. PACKING copies the operands into the exact order the micro-kernel reads them:
;;      A as panels of 2 rows, stored p-major (a0 a1 for p=0, then for p=1, ...),
;;      B as panels of 16 columns, stored p-major (16 floats per p). The micro-kernel then
;;      walks both with a pointer that only ever moves forward by 8 and 64 bytes.
;;      Packing is also where transposes disappear: we read A(i,p) and B(p,j) through a
;;      (row stride, column stride) pair, so A, Aᵀ, B and Bᵀ all pack the same way.
;;      And it is where edges disappear: rows/columns past m or n are packed as zeros.
;;
;;   3. CACHE BLOCKING: k is cut into blocks of KC = 256, m into blocks of MC = 128.
;;      A packed B block (256 × n) stays in L2; one B panel (256 × 16 floats = 16 KB) stays in
;;      L1 while it meets every 2-row A panel of the current 128 × 256 A block (128 KB, L2).
;;
;; Edges: a tile that sticks out past m or n is computed into a 2×16 scratch tile and only its
;; valid part is copied (or added) into C, so m, n, k of any size work, 1 and primes included.
;;
;; All pointers are byte addresses into the one shared memory; strides are in bytes too.

(module
  (import "env" "memory" (memory 1))

  ;; ---------------------------------------------------------------------------------------
  ;; micro_2x16: C[2×16 tile at $c, row stride $ldc bytes] (=|+=) Apanel(2×kc) · Bpanel(kc×16)
  ;; $ap: packed A panel, 2 floats per step.  $bp: packed B panel, 16 floats per step.
  ;; $load = 1 adds to what C holds, 0 overwrites it.
  ;; v128 locals start at zero (WebAssembly zero-initialises locals), so the accumulators need
  ;; no clearing. Accumulator $cRJ holds row R, columns 4J..4J+3 of the tile.
  (func $micro_2x16 (param $kc i32) (param $ap i32) (param $bp i32) (param $c i32) (param $ldc i32) (param $load i32)
    (local $c00 v128) (local $c01 v128) (local $c02 v128) (local $c03 v128)
    (local $c10 v128) (local $c11 v128) (local $c12 v128) (local $c13 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $a v128)

    loop $k
      ;; one row of the B panel: 16 floats
      local.get $bp  v128.load offset=0   local.set $b0
      local.get $bp  v128.load offset=16  local.set $b1
      local.get $bp  v128.load offset=32  local.set $b2
      local.get $bp  v128.load offset=48  local.set $b3

      ;; row 0: broadcast A(0,p), multiply by the 16 B values, add into the row's accumulators
      local.get $ap  v128.load32_splat offset=0  local.set $a
      local.get $c00  local.get $a  local.get $b0  f32x4.mul  f32x4.add  local.set $c00
      local.get $c01  local.get $a  local.get $b1  f32x4.mul  f32x4.add  local.set $c01
      local.get $c02  local.get $a  local.get $b2  f32x4.mul  f32x4.add  local.set $c02
      local.get $c03  local.get $a  local.get $b3  f32x4.mul  f32x4.add  local.set $c03
      ;; row 1
      local.get $ap  v128.load32_splat offset=4  local.set $a
      local.get $c10  local.get $a  local.get $b0  f32x4.mul  f32x4.add  local.set $c10
      local.get $c11  local.get $a  local.get $b1  f32x4.mul  f32x4.add  local.set $c11
      local.get $c12  local.get $a  local.get $b2  f32x4.mul  f32x4.add  local.set $c12
      local.get $c13  local.get $a  local.get $b3  f32x4.mul  f32x4.add  local.set $c13

      ;; next step along k: A moves 2 floats, B moves 16 floats
      local.get $ap  i32.const 8  i32.add  local.set $ap
      local.get $bp  i32.const 64  i32.add  local.set $bp
      local.get $kc  i32.const 1  i32.sub  local.tee $kc
      br_if $k
    end

    ;; Write the tile back, one row (four vectors) at a time, adding the old C when asked.
    local.get $load
    if
      local.get $c  local.get $c  v128.load offset=0  local.get $c00  f32x4.add  v128.store offset=0
      local.get $c  local.get $c  v128.load offset=16  local.get $c01  f32x4.add  v128.store offset=16
      local.get $c  local.get $c  v128.load offset=32  local.get $c02  f32x4.add  v128.store offset=32
      local.get $c  local.get $c  v128.load offset=48  local.get $c03  f32x4.add  v128.store offset=48
      local.get $c  local.get $ldc  i32.add  local.set $c
      local.get $c  local.get $c  v128.load offset=0  local.get $c10  f32x4.add  v128.store offset=0
      local.get $c  local.get $c  v128.load offset=16  local.get $c11  f32x4.add  v128.store offset=16
      local.get $c  local.get $c  v128.load offset=32  local.get $c12  f32x4.add  v128.store offset=32
      local.get $c  local.get $c  v128.load offset=48  local.get $c13  f32x4.add  v128.store offset=48
    else
      local.get $c  local.get $c00  v128.store offset=0
      local.get $c  local.get $c01  v128.store offset=16
      local.get $c  local.get $c02  v128.store offset=32
      local.get $c  local.get $c03  v128.store offset=48
      local.get $c  local.get $ldc  i32.add  local.set $c
      local.get $c  local.get $c10  v128.store offset=0
      local.get $c  local.get $c11  v128.store offset=16
      local.get $c  local.get $c12  v128.store offset=32
      local.get $c  local.get $c13  v128.store offset=48
    end
  )

  ;; ---------------------------------------------------------------------------------------
  ;; transpose_store: r0..r3 are 4 rows of a 4×4 block; store its 4 COLUMNS at $dst, $dst+$stride,
  ;; $dst+2*$stride, $dst+3*$stride. Packing B needs this when B runs the "wrong" way (Bᵀ stored
  ;; n×k: each column of B runs along p, but a packed step wants 16 columns at one p). Two rounds of
  ;; shuffles: first interleave pairs of rows, then pairs of pairs. i8x16.shuffle picks bytes:
  ;; 0..15 from its first operand, 16..31 from its second, so float lane f is bytes 4f..4f+3.
  (func $transpose_store (param $dst i32) (param $stride i32)
    (param $r0 v128) (param $r1 v128) (param $r2 v128) (param $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    ;; t0 = r0[0] r1[0] r0[1] r1[1]    t1 = r0[2] r1[2] r0[3] r1[3]   (same for r2, r3 -> t2, t3)
    local.get $r0  local.get $r1  i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23  local.set $t0
    local.get $r0  local.get $r1  i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31  local.set $t1
    local.get $r2  local.get $r3  i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23  local.set $t2
    local.get $r2  local.get $r3  i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31  local.set $t3
    ;; column 0 = low halves of t0 and t2, column 1 = high halves, columns 2 and 3 from t1, t3
    local.get $dst
    local.get $t0  local.get $t2  i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
    v128.store align=4
    local.get $dst  local.get $stride  i32.add  local.tee $dst
    local.get $t0  local.get $t2  i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
    v128.store align=4
    local.get $dst  local.get $stride  i32.add  local.tee $dst
    local.get $t1  local.get $t3  i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
    v128.store align=4
    local.get $dst  local.get $stride  i32.add
    local.get $t1  local.get $t3  i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
    v128.store align=4
  )

  ;; ---------------------------------------------------------------------------------------
  ;; pack_a: copy the mc×kc block whose element (i,p) sits at $src + i*$rs + p*$cs into panels
  ;; of 2 rows at $dst: panel after panel, each kc pairs of floats. A row past mc becomes 0.
  ;; A stored m×k has (rs, cs) = (4k, 4); stored transposed (k×m) it has (4, 4m).
  (func $pack_a (param $src i32) (param $rs i32) (param $cs i32) (param $mc i32) (param $kc i32) (param $dst i32)
    (local $i0 i32) (local $q i32) (local $p i32) (local $full i32) (local $r0 v128) (local $r1 v128)
    loop $panels
      ;; $full: the panel has both rows (else its second row is zeros)
      local.get $mc  local.get $i0  i32.sub  i32.const 2  i32.ge_s  local.set $full
      ;; $q points at A(i0, 0) and steps along p
      local.get $src  local.get $i0  local.get $rs  i32.mul  i32.add  local.set $q
      i32.const 0  local.set $p
      ;; Fast path: a full panel of row-major A, 4 steps at a time: 4 floats of each row,
      ;; interleaved so that each step's 2 values land side by side.
      local.get $full  local.get $cs  i32.const 4  i32.eq  i32.and
      if
        block $done4
          loop $steps4
            local.get $p  i32.const 4  i32.add  local.get $kc  i32.gt_s  br_if $done4
            local.get $q  v128.load align=4  local.set $r0
            local.get $q  local.get $rs  i32.add  v128.load align=4  local.set $r1
            local.get $dst
            local.get $r0  local.get $r1  i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
            v128.store offset=0
            local.get $dst
            local.get $r0  local.get $r1  i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
            v128.store offset=16
            local.get $dst  i32.const 32  i32.add  local.set $dst
            local.get $q  i32.const 16  i32.add  local.set $q
            local.get $p  i32.const 4  i32.add  local.set $p
            br $steps4
          end
        end
      end
      block $stepsDone
      loop $steps  ;; one step at a time: A(i0, p), then A(i0 + 1, p) or 0
        local.get $p  local.get $kc  i32.ge_s  br_if $stepsDone
        local.get $dst  local.get $q  f32.load  f32.store
        local.get $dst
        local.get $full
        if (result f32)  local.get $q  local.get $rs  i32.add  f32.load  else  f32.const 0  end
        f32.store offset=4
        local.get $dst  i32.const 8  i32.add  local.set $dst
        local.get $q  local.get $cs  i32.add  local.set $q
        local.get $p  i32.const 1  i32.add  local.set $p
        br $steps
      end
      end
      local.get $i0  i32.const 2  i32.add  local.tee $i0
      local.get $mc  i32.lt_s
      br_if $panels
    end
  )

  ;; ---------------------------------------------------------------------------------------
  ;; pack_b: copy the kc×nc block whose element (p,j) sits at $src + p*$rs + j*$cs into panels
  ;; of 16 columns at $dst: panel after panel, each kc groups of 16 floats. Columns past nc are 0.
  ;; B stored k×n has (rs, cs) = (4n, 4); stored transposed (n×k) it has (4, 4k).
  (func $pack_b (param $src i32) (param $rs i32) (param $cs i32) (param $kc i32) (param $nc i32) (param $dst i32)
    (local $j0 i32) (local $cols i32) (local $q i32) (local $p i32) (local $j i32) (local $addr i32)
    (local $cs4 i32) (local $qg i32)
    loop $panels
      ;; cols = min(16, nc - j0)
      local.get $nc  local.get $j0  i32.sub  local.tee $cols
      i32.const 16  i32.gt_s
      if  i32.const 16  local.set $cols  end
      ;; $q points at B(0, j0) and steps along p
      local.get $src  local.get $j0  local.get $cs  i32.mul  i32.add  local.set $q
      i32.const 0  local.set $p
      ;; Fast path: a full panel of Bᵀ (stored n×k, so each column of B runs along p), 4 steps at
      ;; a time: load 4 floats of each of the 16 columns, transpose each group of 4 columns.
      local.get $cols  i32.const 16  i32.eq
      local.get $rs  i32.const 4  i32.eq
      i32.and
      if
        local.get $cs  i32.const 2  i32.shl  local.set $cs4  ;; 4 columns further on
        block $done4
          loop $steps4
            local.get $p  i32.const 4  i32.add  local.get $kc  i32.gt_s  br_if $done4
            local.get $q  local.get $cs4  i32.const 0  i32.mul  i32.add  local.set $qg
            local.get $dst  i32.const 0  i32.add  i32.const 64
            local.get $qg  v128.load align=4
            local.get $qg  local.get $cs  i32.add  v128.load align=4
            local.get $qg  local.get $cs  i32.const 1  i32.shl  i32.add  v128.load align=4
            local.get $qg  local.get $cs  i32.const 3  i32.mul  i32.add  v128.load align=4
            call $transpose_store
            local.get $q  local.get $cs4  i32.const 1  i32.mul  i32.add  local.set $qg
            local.get $dst  i32.const 16  i32.add  i32.const 64
            local.get $qg  v128.load align=4
            local.get $qg  local.get $cs  i32.add  v128.load align=4
            local.get $qg  local.get $cs  i32.const 1  i32.shl  i32.add  v128.load align=4
            local.get $qg  local.get $cs  i32.const 3  i32.mul  i32.add  v128.load align=4
            call $transpose_store
            local.get $q  local.get $cs4  i32.const 2  i32.mul  i32.add  local.set $qg
            local.get $dst  i32.const 32  i32.add  i32.const 64
            local.get $qg  v128.load align=4
            local.get $qg  local.get $cs  i32.add  v128.load align=4
            local.get $qg  local.get $cs  i32.const 1  i32.shl  i32.add  v128.load align=4
            local.get $qg  local.get $cs  i32.const 3  i32.mul  i32.add  v128.load align=4
            call $transpose_store
            local.get $q  local.get $cs4  i32.const 3  i32.mul  i32.add  local.set $qg
            local.get $dst  i32.const 48  i32.add  i32.const 64
            local.get $qg  v128.load align=4
            local.get $qg  local.get $cs  i32.add  v128.load align=4
            local.get $qg  local.get $cs  i32.const 1  i32.shl  i32.add  v128.load align=4
            local.get $qg  local.get $cs  i32.const 3  i32.mul  i32.add  v128.load align=4
            call $transpose_store
            local.get $dst  i32.const 256  i32.add  local.set $dst
            local.get $q  i32.const 16  i32.add  local.set $q
            local.get $p  i32.const 4  i32.add  local.set $p
            br $steps4
          end
        end
      end
      block $stepsDone
      loop $steps
        local.get $p  local.get $kc  i32.ge_s  br_if $stepsDone
        ;; Fast path: a full panel of row-major B is 16 contiguous floats: four vector copies.
        local.get $cols  i32.const 16  i32.eq
        local.get $cs  i32.const 4  i32.eq
        i32.and
        if
          local.get $dst  local.get $q  v128.load offset=0 align=4   v128.store offset=0
          local.get $dst  local.get $q  v128.load offset=16 align=4  v128.store offset=16
          local.get $dst  local.get $q  v128.load offset=32 align=4  v128.store offset=32
          local.get $dst  local.get $q  v128.load offset=48 align=4  v128.store offset=48
        else
          i32.const 0  local.set $j
          loop $lanes
            ;; dst[j] = j < cols ? B(p, j0 + j) : 0
            local.get $dst  local.get $j  i32.const 2  i32.shl  i32.add  local.set $addr
            local.get $j  local.get $cols  i32.lt_s
            if
              local.get $addr
              local.get $q  local.get $j  local.get $cs  i32.mul  i32.add  f32.load
              f32.store
            else
              local.get $addr  f32.const 0  f32.store
            end
            local.get $j  i32.const 1  i32.add  local.tee $j
            i32.const 16  i32.lt_s
            br_if $lanes
          end
        end
        local.get $dst  i32.const 64  i32.add  local.set $dst
        local.get $q  local.get $rs  i32.add  local.set $q
        local.get $p  i32.const 1  i32.add  local.set $p
        br $steps
      end
      end
      local.get $j0  i32.const 16  i32.add  local.tee $j0
      local.get $nc  i32.lt_s
      br_if $panels
    end
  )

  ;; ---------------------------------------------------------------------------------------
  ;; merge_tile: copy (or add) the rows×cols corner of the 2×16 scratch tile at $tile into C at
  ;; $c (row stride $ldc bytes). Only used for the tiles that stick out past m or n.
  (func $merge_tile (param $tile i32) (param $c i32) (param $ldc i32) (param $rows i32) (param $cols i32) (param $load i32)
    (local $r i32) (local $j i32) (local $src i32) (local $dst i32) (local $v f32)
    loop $row
      i32.const 0  local.set $j
      loop $col
        local.get $tile  local.get $r  i32.const 6  i32.shl  i32.add   ;; tile + r*64
        local.get $j  i32.const 2  i32.shl  i32.add  local.set $src
        local.get $c  local.get $r  local.get $ldc  i32.mul  i32.add
        local.get $j  i32.const 2  i32.shl  i32.add  local.set $dst
        local.get $src  f32.load  local.set $v
        local.get $load
        if
          local.get $v  local.get $dst  f32.load  f32.add  local.set $v
        end
        local.get $dst  local.get $v  f32.store
        local.get $j  i32.const 1  i32.add  local.tee $j
        local.get $cols  i32.lt_s
        br_if $col
      end
      local.get $r  i32.const 1  i32.add  local.tee $r
      local.get $rows  i32.lt_s
      br_if $row
    end
  )

  ;; ---------------------------------------------------------------------------------------
  ;; The cache blocking: rows of A per block (MC) and depth per block (KC). gemm below takes its
  ;; numbers from here, and so does the caller that plans its calls (kernels/wasm/gemm.ts).
  (func $block_rows (export "block_rows") (result i32)  i32.const 128)
  (func $block_depth (export "block_depth") (result i32)  i32.const 256)

  ;; The bytes of $work gemm needs for an n-column product of depth k: the 2×16 scratch tile (128),
  ;; the packed A block (4·MC·KC) and the packed B block (4·min(k, KC)·n rounded up to 16 columns).
  (func (export "work_bytes") (param $n i32) (param $k i32) (result i32)
    i32.const 128
    call $block_rows  call $block_depth  i32.mul  i32.const 2  i32.shl  i32.add
    local.get $k  call $block_depth  local.get $k  call $block_depth  i32.lt_s  select  ;; min(k, KC)
    local.get $n  i32.const 15  i32.add  i32.const -16  i32.and  ;; n rounded up to a multiple of 16
    i32.mul  i32.const 2  i32.shl  i32.add
  )

  ;; ---------------------------------------------------------------------------------------
  ;; gemm: C[m×n] (=|+=) op(A)[m×k] · op(B)[k×n], all row-major, C contiguous (row stride n).
  ;; $work: work_bytes(n, k) bytes, 16-byte aligned (scratch tile, packed A block, packed B
  ;; block). Requires m, n, k >= 1.
  (func (export "gemm")
    (param $transA i32) (param $transB i32) (param $m i32) (param $n i32) (param $k i32)
    (param $a i32) (param $b i32) (param $c i32) (param $accumulate i32) (param $work i32)
    (local $rsA i32) (local $csA i32) (local $rsB i32) (local $csB i32)
    (local $tile i32) (local $apack i32) (local $bpack i32) (local $ldc i32)
    (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32) (local $jr i32) (local $ir i32)
    (local $load i32) (local $row i32) (local $ap i32) (local $bp i32) (local $rows i32) (local $cols i32)

    ;; Strides, in bytes, for reading A(i,p) and B(p,j) whatever the storage order.
    local.get $transA
    if  ;; A stored k×m
      i32.const 4  local.set $rsA
      local.get $m  i32.const 2  i32.shl  local.set $csA
    else  ;; A stored m×k
      local.get $k  i32.const 2  i32.shl  local.set $rsA
      i32.const 4  local.set $csA
    end
    local.get $transB
    if  ;; B stored n×k
      i32.const 4  local.set $rsB
      local.get $k  i32.const 2  i32.shl  local.set $csB
    else  ;; B stored k×n
      local.get $n  i32.const 2  i32.shl  local.set $rsB
      i32.const 4  local.set $csB
    end
    local.get $n  i32.const 2  i32.shl  local.set $ldc

    ;; Carve the work area: scratch tile (2×16 floats), A block (MC×KC), B block (KC×n16).
    local.get $work  local.set $tile
    local.get $work  i32.const 128  i32.add  local.set $apack  ;; after the 2×16 scratch tile
    local.get $apack  call $block_rows  call $block_depth  i32.mul  i32.const 2  i32.shl  i32.add  local.set $bpack

    i32.const 0  local.set $pc
    loop $kblocks
      ;; kc = min(256, k - pc)
      local.get $k  local.get $pc  i32.sub  local.tee $kc
      call $block_depth  i32.gt_s
      if  call $block_depth  local.set $kc  end
      ;; The first k block overwrites C unless the caller accumulates; later ones always add.
      local.get $accumulate  local.get $pc  i32.const 0  i32.gt_s  i32.or  local.set $load

      ;; Pack B rows pc .. pc+kc-1, all n columns.
      local.get $b  local.get $pc  local.get $rsB  i32.mul  i32.add
      local.get $rsB  local.get $csB  local.get $kc  local.get $n  local.get $bpack
      call $pack_b

      i32.const 0  local.set $ic
      loop $mblocks
        ;; mc = min(128, m - ic)
        local.get $m  local.get $ic  i32.sub  local.tee $mc
        call $block_rows  i32.gt_s
        if  call $block_rows  local.set $mc  end

        ;; Pack A rows ic .. ic+mc-1, columns pc .. pc+kc-1.
        local.get $a  local.get $ic  local.get $rsA  i32.mul  i32.add
        local.get $pc  local.get $csA  i32.mul  i32.add
        local.get $rsA  local.get $csA  local.get $mc  local.get $kc  local.get $apack
        call $pack_a

        i32.const 0  local.set $jr
        loop $npanels
          ;; B panel for columns jr .. jr+15: kc*16 floats each, so it starts at jr*kc*4 bytes.
          local.get $bpack  local.get $jr  local.get $kc  i32.mul  i32.const 2  i32.shl  i32.add  local.set $bp
          ;; cols = min(16, n - jr)
          local.get $n  local.get $jr  i32.sub  local.tee $cols
          i32.const 16  i32.gt_s
          if  i32.const 16  local.set $cols  end

          i32.const 0  local.set $ir
          loop $mpanels
            ;; A panel for rows ir .. ir+1 of the block: kc*2 floats each, so it starts at ir*kc*4 bytes.
            local.get $apack  local.get $ir  local.get $kc  i32.mul  i32.const 2  i32.shl  i32.add  local.set $ap
            local.get $ic  local.get $ir  i32.add  local.set $row
            ;; rows = min(2, m - row)
            local.get $m  local.get $row  i32.sub  local.tee $rows
            i32.const 2  i32.gt_s
            if  i32.const 2  local.set $rows  end

            local.get $rows  i32.const 2  i32.eq
            local.get $cols  i32.const 16  i32.eq
            i32.and
            if  ;; a whole tile inside C: write it in place
              local.get $kc  local.get $ap  local.get $bp
              local.get $c  local.get $row  local.get $ldc  i32.mul  i32.add
              local.get $jr  i32.const 2  i32.shl  i32.add
              local.get $ldc  local.get $load
              call $micro_2x16
            else  ;; an edge tile: compute into the scratch tile, copy the valid corner
              local.get $kc  local.get $ap  local.get $bp  local.get $tile  i32.const 64  i32.const 0
              call $micro_2x16
              local.get $tile
              local.get $c  local.get $row  local.get $ldc  i32.mul  i32.add
              local.get $jr  i32.const 2  i32.shl  i32.add
              local.get $ldc  local.get $rows  local.get $cols  local.get $load
              call $merge_tile
            end

            local.get $ir  i32.const 2  i32.add  local.tee $ir
            local.get $mc  i32.lt_s
            br_if $mpanels
          end
          local.get $jr  i32.const 16  i32.add  local.tee $jr
          local.get $n  i32.lt_s
          br_if $npanels
        end
        local.get $ic  call $block_rows  i32.add  local.tee $ic
        local.get $m  i32.lt_s
        br_if $mblocks
      end
      local.get $pc  call $block_depth  i32.add  local.tee $pc
      local.get $k  i32.lt_s
      br_if $kblocks
    end
  )
)
