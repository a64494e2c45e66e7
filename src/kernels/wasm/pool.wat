;; Max pooling, forward: the largest value of each window and where it was.
;;
;; Each output pixel (oh, ow) of each plane looks at the input rows oh*SH - PH ... + KH - 1 and the
;; columns ow*SW - PW ... + KW - 1, clipped to the input (padding is never read, so it never wins).
;; The winner is the FIRST maximum in row-major order, and a NaN wins, as in PyTorch: an element
;; takes over when it is greater than the best so far or when it is NaN. The choice is made with
;; `select` rather than a branch: which element wins is data-dependent, and a branch on it would be
;; mispredicted about as often as not.
;;
;; out[p][oh][ow] = the winning value; arg[p][oh][ow] = its index within the plane, ih * W + iw.

(module
  (import "env" "memory" (memory 1))

  (func (export "max_pool") (param $in i32) (param $out i32) (param $arg i32) (param $planes i32)
      (param $H i32) (param $W i32) (param $KH i32) (param $KW i32) (param $SH i32) (param $SW i32)
      (param $PH i32) (param $PW i32) (param $OH i32) (param $OW i32)
    (local $p i32) (local $oh i32) (local $ow i32) (local $h0 i32) (local $h1 i32) (local $w0 i32) (local $w1 i32)
    (local $ih i32) (local $iw i32) (local $idx i32) (local $best f32) (local $bi i32) (local $v f32) (local $take i32)
    loop $planes
      i32.const 0  local.set $oh
      loop $rows
        ;; the window's rows, clipped: h0 = max(oh*SH - PH, 0), h1 = min(oh*SH - PH + KH, H)
        local.get $oh  local.get $SH  i32.mul  local.get $PH  i32.sub  local.tee $h0
        local.get $KH  i32.add  local.tee $h1
        local.get $H  local.get $h1  local.get $H  i32.lt_s  select  local.set $h1
        local.get $h0  i32.const 0  local.get $h0  i32.const 0  i32.gt_s  select  local.set $h0
        i32.const 0  local.set $ow
        loop $cols
          local.get $ow  local.get $SW  i32.mul  local.get $PW  i32.sub  local.tee $w0
          local.get $KW  i32.add  local.tee $w1
          local.get $W  local.get $w1  local.get $W  i32.lt_s  select  local.set $w1
          local.get $w0  i32.const 0  local.get $w0  i32.const 0  i32.gt_s  select  local.set $w0
          ;; the window's first element starts as the best
          local.get $h0  local.get $W  i32.mul  local.get $w0  i32.add  local.tee $bi
          i32.const 2  i32.shl  local.get $in  i32.add  f32.load  local.set $best
          local.get $h0  local.set $ih
          loop $kh
            local.get $w0  local.set $iw
            loop $kw
              local.get $ih  local.get $W  i32.mul  local.get $iw  i32.add  local.tee $idx
              i32.const 2  i32.shl  local.get $in  i32.add  f32.load  local.tee $v
              local.get $best  f32.gt
              local.get $v  local.get $v  f32.ne  ;; NaN
              i32.or  local.set $take
              local.get $v  local.get $best  local.get $take  select  local.set $best
              local.get $idx  local.get $bi  local.get $take  select  local.set $bi
              local.get $iw  i32.const 1  i32.add  local.tee $iw
              local.get $w1  i32.lt_s  br_if $kw
            end
            local.get $ih  i32.const 1  i32.add  local.tee $ih
            local.get $h1  i32.lt_s  br_if $kh
          end
          local.get $out  local.get $best  f32.store
          local.get $arg  local.get $bi  i32.store
          local.get $out  i32.const 4  i32.add  local.set $out
          local.get $arg  i32.const 4  i32.add  local.set $arg
          local.get $ow  i32.const 1  i32.add  local.tee $ow
          local.get $OW  i32.lt_s  br_if $cols
        end
        local.get $oh  i32.const 1  i32.add  local.tee $oh
        local.get $OH  i32.lt_s  br_if $rows
      end
      local.get $in  local.get $H  local.get $W  i32.mul  i32.const 2  i32.shl  i32.add  local.set $in
      local.get $p  i32.const 1  i32.add  local.tee $p
      local.get $planes  i32.lt_s  br_if $planes
    end
  )

  ;; The same for 2x2 windows with stride 2 and no padding (the CNNs of the articles), four windows
  ;; at a time: two vectors of a row hold 8 columns, the four windows' left and right columns are
  ;; split apart with shuffles, and the four candidates of each window are taken in row-major order
  ;; with lane masks: a candidate replaces the best when it is greater or NaN. OW must be a multiple of 4.
  (func (export "max_pool_2x2") (param $in i32) (param $out i32) (param $arg i32) (param $planes i32)
      (param $H i32) (param $W i32) (param $OH i32) (param $OW i32)
    (local $p i32) (local $oh i32) (local $ow i32) (local $row i32) (local $base i32)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local $best v128) (local $bi v128) (local $cand v128) (local $ci v128) (local $take v128)
    (local $e0 v128) (local $OW4 i32) (local $i i32) (local $v f32) (local $bv f32) (local $bix i32)
    ;; four windows at a time up to the last multiple of four; the rest one at a time below
    local.get $OW  i32.const -4  i32.and  local.set $OW4
    loop $planes
      i32.const 0  local.set $oh
      loop $rows
        ;; byte address of input row 2*oh of this plane
        local.get $oh  i32.const 1  i32.shl  local.get $W  i32.mul  i32.const 2  i32.shl  local.get $in  i32.add  local.set $row
        i32.const 0  local.set $ow
        block $vectors_done
        local.get $OW4  i32.eqz  br_if $vectors_done
        loop $cols
          local.get $row  local.get $ow  i32.const 3  i32.shl  i32.add  local.tee $base
          v128.load align=4  local.set $a0
          local.get $base  v128.load offset=16 align=4  local.set $a1
          local.get $base  local.get $W  i32.const 2  i32.shl  i32.add  local.tee $base
          v128.load align=4  local.set $b0
          local.get $base  v128.load offset=16 align=4  local.set $b1
          ;; indices within the plane of the four windows' top-left elements: 2*oh*W + 2*ow + 0, 2, 4, 6
          local.get $oh  i32.const 1  i32.shl  local.get $W  i32.mul  local.get $ow  i32.const 1  i32.shl  i32.add
          i32x4.splat  v128.const i32x4 0 2 4 6  i32x4.add  local.set $e0
          ;; top row, left columns: the first candidates
          local.get $a0  local.get $a1  i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27  local.set $best
          local.get $e0  local.set $bi
          ;; top row, right columns
          local.get $a0  local.get $a1  i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31  local.set $cand
          local.get $e0  v128.const i32x4 1 1 1 1  i32x4.add  local.set $ci
          local.get $cand  local.get $best  f32x4.gt  local.get $cand  local.get $cand  f32x4.ne  v128.or  local.set $take
          local.get $cand  local.get $best  local.get $take  v128.bitselect  local.set $best
          local.get $ci  local.get $bi  local.get $take  v128.bitselect  local.set $bi
          ;; bottom row, left columns
          local.get $b0  local.get $b1  i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27  local.set $cand
          local.get $e0  local.get $W  i32x4.splat  i32x4.add  local.set $ci
          local.get $cand  local.get $best  f32x4.gt  local.get $cand  local.get $cand  f32x4.ne  v128.or  local.set $take
          local.get $cand  local.get $best  local.get $take  v128.bitselect  local.set $best
          local.get $ci  local.get $bi  local.get $take  v128.bitselect  local.set $bi
          ;; bottom row, right columns
          local.get $b0  local.get $b1  i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31  local.set $cand
          local.get $ci  v128.const i32x4 1 1 1 1  i32x4.add  local.set $ci
          local.get $cand  local.get $best  f32x4.gt  local.get $cand  local.get $cand  f32x4.ne  v128.or  local.set $take
          local.get $cand  local.get $best  local.get $take  v128.bitselect  local.set $best
          local.get $ci  local.get $bi  local.get $take  v128.bitselect  local.set $bi
          local.get $out  local.get $best  v128.store align=4
          local.get $arg  local.get $bi  v128.store align=4
          local.get $out  i32.const 16  i32.add  local.set $out
          local.get $arg  i32.const 16  i32.add  local.set $arg
          local.get $ow  i32.const 4  i32.add  local.tee $ow
          local.get $OW4  i32.lt_s  br_if $cols
        end
        end
        ;; the windows past the last multiple of four, one at a time, by the same rule: top-left
        ;; first, then top-right, bottom-left, bottom-right, each taking over when greater or NaN
        block $tail_done
          loop $tail
            local.get $ow  local.get $OW  i32.ge_s  br_if $tail_done
            ;; i = index within the plane of the window's top-left element
            local.get $oh  i32.const 1  i32.shl  local.get $W  i32.mul  local.get $ow  i32.const 1  i32.shl  i32.add  local.tee $i
            local.set $bix
            local.get $in  local.get $i  i32.const 2  i32.shl  i32.add  f32.load  local.set $bv
            ;; top-right (i + 1), bottom-left (i + W), bottom-right (i + W + 1)
            local.get $in  local.get $i  i32.const 1  i32.add  i32.const 2  i32.shl  i32.add  f32.load  local.tee $v
            local.get $bv  f32.gt  local.get $v  local.get $v  f32.ne  i32.or
            if  local.get $v  local.set $bv  local.get $i  i32.const 1  i32.add  local.set $bix  end
            local.get $in  local.get $i  local.get $W  i32.add  i32.const 2  i32.shl  i32.add  f32.load  local.tee $v
            local.get $bv  f32.gt  local.get $v  local.get $v  f32.ne  i32.or
            if  local.get $v  local.set $bv  local.get $i  local.get $W  i32.add  local.set $bix  end
            local.get $in  local.get $i  local.get $W  i32.add  i32.const 1  i32.add  i32.const 2  i32.shl  i32.add  f32.load  local.tee $v
            local.get $bv  f32.gt  local.get $v  local.get $v  f32.ne  i32.or
            if  local.get $v  local.set $bv  local.get $i  local.get $W  i32.add  i32.const 1  i32.add  local.set $bix  end
            local.get $out  local.get $bv  f32.store
            local.get $arg  local.get $bix  i32.store
            local.get $out  i32.const 4  i32.add  local.set $out
            local.get $arg  i32.const 4  i32.add  local.set $arg
            local.get $ow  i32.const 1  i32.add  local.set $ow
            br $tail
          end
        end
        local.get $oh  i32.const 1  i32.add  local.tee $oh
        local.get $OH  i32.lt_s  br_if $rows
      end
      local.get $in  local.get $H  local.get $W  i32.mul  i32.const 2  i32.shl  i32.add  local.set $in
      local.get $p  i32.const 1  i32.add  local.tee $p
      local.get $planes  i32.lt_s  br_if $planes
    end
  )

  ;; The backward pass: dx = 0, then each output's gradient added to the input element that won
  ;; its window (argmax: the element's index within its plane; windows may overlap, so a winner
  ;; can collect several). Planes one after another, outputs in order: the plain loop's order.
  (func (export "max_pool_backward") (param $g i32) (param $arg i32) (param $dx i32)
      (param $planes i32) (param $inPlane i32) (param $outPlane i32)
    (local $p i32) (local $o i32) (local $winner i32) (local $at i32) (local $end i32)
    ;; zero dx, four floats at a time, then the rest
    local.get $dx  local.set $at
    local.get $dx  local.get $planes  local.get $inPlane  i32.mul  i32.const 2  i32.shl  i32.add  local.set $end
    block $zeroed
      loop $zero4
        local.get $at  i32.const 16  i32.add  local.get $end  i32.gt_u  br_if $zeroed
        local.get $at  v128.const i32x4 0 0 0 0  v128.store align=4
        local.get $at  i32.const 16  i32.add  local.set $at
        br $zero4
      end
    end
    block $zeroedAll
      loop $zero1
        local.get $at  local.get $end  i32.ge_u  br_if $zeroedAll
        local.get $at  f32.const 0  f32.store
        local.get $at  i32.const 4  i32.add  local.set $at
        br $zero1
      end
    end
    block $done
      local.get $planes  i32.eqz  br_if $done
      loop $planesLoop
        i32.const 0  local.set $o
        block $outputsDone
          loop $outputs
            local.get $o  local.get $outPlane  i32.ge_s  br_if $outputsDone
            local.get $arg  i32.load  local.tee $winner
            i32.const 0  i32.ge_s
            if  ;; dx[winner] += g[o]
              local.get $dx  local.get $winner  i32.const 2  i32.shl  i32.add  local.tee $at
              local.get $at  f32.load  local.get $g  f32.load  f32.add  f32.store
            end
            local.get $g  i32.const 4  i32.add  local.set $g
            local.get $arg  i32.const 4  i32.add  local.set $arg
            local.get $o  i32.const 1  i32.add  local.set $o
            br $outputs
          end
        end
        local.get $dx  local.get $inPlane  i32.const 2  i32.shl  i32.add  local.set $dx
        local.get $p  i32.const 1  i32.add  local.tee $p
        local.get $planes  i32.lt_s  br_if $planesLoop
      end
    end
  )
)
