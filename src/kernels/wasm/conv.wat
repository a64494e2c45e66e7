;; Convolution helpers: im2col and col2im. The convolution itself becomes one GEMM (gemm.wat).
;;
;; im2col unrolls every receptive field into a column: the matrix "col" has one ROW per kernel tap
;; (c, kh, kw) — K = C*KH*KW rows — and one COLUMN per output pixel (oh, ow):
;;
;;     col[(c*KH + kh)*KW + kw][oh*OW + ow] = input[c][ih][iw]    (0 where (ih, iw) is padding)
;;     with ih = oh*strideH - padH + kh*dilationH,  iw = ow*strideW - padW + kw*dilationW.
;;
;; Then   out[oc][pixel]    = sum_r weight[oc][r] * col[r][pixel]        (forward:  W · col)
;;        gradW[oc][r]      = sum_pixel gradOut[oc][pixel] * col[r][pixel] (weight:   gOut · colᵀ)
;;        gradCol[r][pixel] = sum_oc weight[oc][r] * gradOut[oc][pixel]    (input:    Wᵀ · gOut)
;; and col2im adds gradCol back onto the input pixels it was read from (a pixel read by several
;; taps receives several contributions).
;;
;; The caller may lay the columns of several images side by side: $ldcol is the byte stride from
;; one row of col to the next, so image n can write at column offset n*OH*OW of a wide matrix and
;; one GEMM then serves the whole batch.
;;
;; Padding is a bounds check, done once per (tap, output row) rather than per pixel: for a fixed
;; kw the valid output columns form one contiguous range [owLo, owHi), computed up front.

(module
  (import "env" "memory" (memory 1))

  ;; zero $count floats at $dst
  (func $zero (param $dst i32) (param $count i32)
    block $done
      loop $vec  ;; 4 at a time
        local.get $count  i32.const 4  i32.lt_s  br_if $done
        local.get $dst  v128.const i32x4 0 0 0 0  v128.store align=4
        local.get $dst  i32.const 16  i32.add  local.set $dst
        local.get $count  i32.const 4  i32.sub  local.set $count
        br $vec
      end
    end
    block $done1
      loop $one  ;; the rest, one by one
        local.get $count  i32.const 0  i32.le_s  br_if $done1
        local.get $dst  f32.const 0  f32.store
        local.get $dst  i32.const 4  i32.add  local.set $dst
        local.get $count  i32.const 1  i32.sub  local.set $count
        br $one
      end
    end
  )

  ;; dst[i] = src[i * stride] for i < count ($stride in bytes; 4 means contiguous)
  (func $gather (param $dst i32) (param $src i32) (param $count i32) (param $stride i32)
    local.get $stride  i32.const 4  i32.eq
    if  ;; contiguous: vector copies
      block $done
        loop $vec
          local.get $count  i32.const 4  i32.lt_s  br_if $done
          local.get $dst  local.get $src  v128.load align=4  v128.store align=4
          local.get $dst  i32.const 16  i32.add  local.set $dst
          local.get $src  i32.const 16  i32.add  local.set $src
          local.get $count  i32.const 4  i32.sub  local.set $count
          br $vec
        end
      end
    end
    block $done1
      loop $one
        local.get $count  i32.const 0  i32.le_s  br_if $done1
        local.get $dst  local.get $src  f32.load  f32.store
        local.get $dst  i32.const 4  i32.add  local.set $dst
        local.get $src  local.get $stride  i32.add  local.set $src
        local.get $count  i32.const 1  i32.sub  local.set $count
        br $one
      end
    end
  )

  ;; Planes of H x W floats at $src, each copied into a plane of dstH x dstW at $dst starting at row
  ;; $top, column $left; the rest of $dst zero. A convolution's padding made explicit, so that the
  ;; direct loops (direct.wat), which take no padding, can run it; also widens planes with zero
  ;; columns on the right.
  (func (export "pad_planes") (param $src i32) (param $dst i32) (param $planes i32) (param $H i32) (param $W i32)
      (param $dstH i32) (param $dstW i32) (param $top i32) (param $left i32)
    (local $p i32) (local $r i32) (local $plane i32)
    local.get $dst  local.get $planes  local.get $dstH  i32.mul  local.get $dstW  i32.mul  call $zero
    block $done
      loop $planes_loop
        local.get $p  local.get $planes  i32.ge_s  br_if $done
        local.get $dst  local.get $p  local.get $dstH  i32.mul  local.get $dstW  i32.mul  i32.const 2  i32.shl  i32.add  local.set $plane
        i32.const 0  local.set $r
        block $rows_done
          loop $rows
            local.get $r  local.get $H  i32.ge_s  br_if $rows_done
            ;; to row top + r, column left of the plane; from row r of source plane p
            local.get $plane  local.get $top  local.get $r  i32.add  local.get $dstW  i32.mul  local.get $left  i32.add  i32.const 2  i32.shl  i32.add
            local.get $src  local.get $p  local.get $H  i32.mul  local.get $r  i32.add  local.get $W  i32.mul  i32.const 2  i32.shl  i32.add
            local.get $W  i32.const 4  call $gather
            local.get $r  i32.const 1  i32.add  local.set $r
            br $rows
          end
        end
        local.get $p  i32.const 1  i32.add  local.set $p
        br $planes_loop
      end
    end
  )

  ;; The first W floats of each of $rows rows of srcW floats at $src, packed at $dst (rows of W):
  ;; a result computed W rounded up to four columns wide, cut back to its real width.
  (func (export "crop_rows") (param $src i32) (param $dst i32) (param $rows i32) (param $srcW i32) (param $W i32)
    (local $r i32)
    block $done
      loop $rows_loop
        local.get $r  local.get $rows  i32.ge_s  br_if $done
        local.get $dst  local.get $r  local.get $W  i32.mul  i32.const 2  i32.shl  i32.add
        local.get $src  local.get $r  local.get $srcW  i32.mul  i32.const 2  i32.shl  i32.add
        local.get $W  i32.const 4  call $gather
        local.get $r  i32.const 1  i32.add  local.set $r
        br $rows_loop
      end
    end
  )

  ;; dst[i * stride] += src[i] for i < count (the mirror image of $gather, for col2im)
  (func $scatter_add (param $dst i32) (param $src i32) (param $count i32) (param $stride i32)
    local.get $stride  i32.const 4  i32.eq
    if
      block $done
        loop $vec
          local.get $count  i32.const 4  i32.lt_s  br_if $done
          local.get $dst
          local.get $dst  v128.load align=4  local.get $src  v128.load align=4  f32x4.add
          v128.store align=4
          local.get $dst  i32.const 16  i32.add  local.set $dst
          local.get $src  i32.const 16  i32.add  local.set $src
          local.get $count  i32.const 4  i32.sub  local.set $count
          br $vec
        end
      end
    end
    block $done1
      loop $one
        local.get $count  i32.const 0  i32.le_s  br_if $done1
        local.get $dst  local.get $dst  f32.load  local.get $src  f32.load  f32.add  f32.store
        local.get $dst  local.get $stride  i32.add  local.set $dst
        local.get $src  i32.const 4  i32.add  local.set $src
        local.get $count  i32.const 1  i32.sub  local.set $count
        br $one
      end
    end
  )

  ;; First output column whose input column x0 + ow*s is >= 0, clamped to [0, OW].
  (func $first_valid (param $x0 i32) (param $s i32) (param $ow i32) (result i32)
    (local $v i32)
    local.get $x0  i32.const 0  i32.ge_s
    if (result i32)
      i32.const 0
    else  ;; ceil(-x0 / s)
      i32.const 0  local.get $x0  i32.sub  local.get $s  i32.add  i32.const 1  i32.sub
      local.get $s  i32.div_s
    end
    local.tee $v
    local.get $ow  i32.gt_s
    if (result i32)  local.get $ow  else  local.get $v  end
  )

  ;; im2col for one image (or col2im when $backward = 1: img += the columns, image must be zeroed
  ;; by the caller first). $img: [C, H, W] floats; $col: K rows of OH*OW floats, row stride $ldcol bytes.
  (func $walk
    (param $backward i32) (param $img i32) (param $col i32) (param $ldcol i32)
    (param $C i32) (param $H i32) (param $W i32) (param $KH i32) (param $KW i32)
    (param $sH i32) (param $sW i32) (param $pH i32) (param $pW i32) (param $dH i32) (param $dW i32)
    (param $OH i32) (param $OW i32)
    (local $c i32) (local $kh i32) (local $kw i32) (local $oh i32)
    (local $x0 i32) (local $owLo i32) (local $owHi i32) (local $ih i32)
    (local $dst i32) (local $plane i32) (local $srcRow i32) (local $rowBytes i32)

    local.get $OW  i32.const 2  i32.shl  local.set $rowBytes
    loop $channels
      ;; $plane: start of channel c in the image
      local.get $img  local.get $c  local.get $H  i32.mul  local.get $W  i32.mul  i32.const 2  i32.shl  i32.add
      local.set $plane
      i32.const 0  local.set $kh
      loop $taprows
        i32.const 0  local.set $kw
        loop $tapcols
          ;; For this tap, output column ow reads input column x0 + ow*sW.
          local.get $kw  local.get $dW  i32.mul  local.get $pW  i32.sub  local.set $x0
          ;; valid range: x0 + ow*sW in [0, W)  <=>  ow in [owLo, owHi)
          local.get $x0  local.get $sW  local.get $OW  call $first_valid  local.set $owLo
          local.get $x0  local.get $W  i32.sub  local.get $sW  local.get $OW  call $first_valid  local.set $owHi
          local.get $owHi  local.get $owLo  i32.lt_s
          if  local.get $owLo  local.set $owHi  end

          local.get $col  local.set $dst
          i32.const 0  local.set $oh
          loop $outrows
            local.get $oh  local.get $sH  i32.mul  local.get $pH  i32.sub
            local.get $kh  local.get $dH  i32.mul  i32.add  local.tee $ih
            ;; one unsigned compare does both checks: a negative ih looks huge as u32
            local.get $H  i32.ge_u
            if  ;; the whole output row reads padding
              local.get $backward  i32.eqz
              if  local.get $dst  local.get $OW  call $zero  end
            else
              local.get $plane  local.get $ih  local.get $W  i32.mul  i32.const 2  i32.shl  i32.add
              local.get $x0  local.get $owLo  local.get $sW  i32.mul  i32.add  i32.const 2  i32.shl  i32.add
              local.set $srcRow  ;; address of input pixel (ih, x0 + owLo*sW)
              local.get $backward
              if
                local.get $srcRow
                local.get $dst  local.get $owLo  i32.const 2  i32.shl  i32.add
                local.get $owHi  local.get $owLo  i32.sub
                local.get $sW  i32.const 2  i32.shl
                call $scatter_add
              else
                ;; padding on the left, the real pixels, padding on the right (the zeroing calls
                ;; only where there is padding: without it they would be most of the calls made)
                local.get $owLo
                if  local.get $dst  local.get $owLo  call $zero  end
                local.get $dst  local.get $owLo  i32.const 2  i32.shl  i32.add
                local.get $srcRow
                local.get $owHi  local.get $owLo  i32.sub
                local.get $sW  i32.const 2  i32.shl
                call $gather
                local.get $OW  local.get $owHi  i32.ne
                if
                  local.get $dst  local.get $owHi  i32.const 2  i32.shl  i32.add
                  local.get $OW  local.get $owHi  i32.sub
                  call $zero
                end
              end
            end
            local.get $dst  local.get $rowBytes  i32.add  local.set $dst
            local.get $oh  i32.const 1  i32.add  local.tee $oh
            local.get $OH  i32.lt_s
            br_if $outrows
          end

          local.get $col  local.get $ldcol  i32.add  local.set $col  ;; next row of col
          local.get $kw  i32.const 1  i32.add  local.tee $kw
          local.get $KW  i32.lt_s
          br_if $tapcols
        end
        local.get $kh  i32.const 1  i32.add  local.tee $kh
        local.get $KH  i32.lt_s
        br_if $taprows
      end
      local.get $c  i32.const 1  i32.add  local.tee $c
      local.get $C  i32.lt_s
      br_if $channels
    end
  )

  ;; col2im for stride 1 without padding or dilation, OW a multiple of 4 (the caller checks), one
  ;; image: img += the columns, the image zeroed by the caller first. With stride 1, tap (kh, kw)
  ;; of output pixel (oh, ow) lands on input pixel (oh + kh, ow + kw), so for a fixed kw the KH
  ;; taps landing on input row ih are rows ih - kh of KH columns, in the same pixel columns. They
  ;; are summed in a register, four pixels at a time, and added to the image once: a fifth of the
  ;; image updates of $walk, and no two in a row write overlapping memory.
  (func (export "col2im_dense")
    (param $img i32) (param $col i32) (param $ldcol i32)
    (param $C i32) (param $H i32) (param $W i32) (param $KH i32) (param $KW i32)
    (param $OH i32) (param $OW i32)
    (local $c i32) (local $kw i32) (local $ih i32) (local $v i32) (local $kh i32)
    (local $khLo i32) (local $khHi i32) (local $step i32) (local $src i32) (local $first i32)
    (local $dst i32) (local $acc v128)
    ;; from tap row (c, kh, kw) at output row oh to tap row (c, kh + 1, kw) at output row oh - 1
    local.get $KW  local.get $ldcol  i32.mul  local.get $OW  i32.const 2  i32.shl  i32.sub
    local.set $step
    loop $channels
      i32.const 0  local.set $kw
      loop $tapcols
        i32.const 0  local.set $ih
        loop $inrows
          ;; the taps kh with 0 <= ih - kh < OH
          local.get $ih  local.get $OH  i32.sub  i32.const 1  i32.add  local.tee $khLo
          i32.const 0  i32.lt_s
          if  i32.const 0  local.set $khLo  end
          local.get $ih  local.get $KH  i32.const 1  i32.sub  local.tee $khHi
          local.get $ih  local.get $khHi  i32.lt_s  select  local.set $khHi
          ;; $first: col[(c*KH + khLo)*KW + kw][(ih - khLo)*OW]
          local.get $col
          local.get $c  local.get $KH  i32.mul  local.get $khLo  i32.add  local.get $KW  i32.mul  local.get $kw  i32.add
          local.get $ldcol  i32.mul  i32.add
          local.get $ih  local.get $khLo  i32.sub  local.get $OW  i32.mul  i32.const 2  i32.shl  i32.add
          local.set $first
          ;; $dst: img[c][ih][kw]
          local.get $img
          local.get $c  local.get $H  i32.mul  local.get $ih  i32.add  local.get $W  i32.mul  local.get $kw  i32.add
          i32.const 2  i32.shl  i32.add
          local.set $dst
          i32.const 0  local.set $v
          loop $pixels  ;; four output columns at a time
            v128.const i32x4 0 0 0 0  local.set $acc
            local.get $first  local.get $v  i32.const 2  i32.shl  i32.add  local.set $src
            local.get $khLo  local.set $kh
            loop $taps
              local.get $acc  local.get $src  v128.load align=4  f32x4.add  local.set $acc
              local.get $src  local.get $step  i32.add  local.set $src
              local.get $kh  i32.const 1  i32.add  local.tee $kh
              local.get $khHi  i32.le_s  br_if $taps
            end
            local.get $dst
            local.get $dst  v128.load align=4  local.get $acc  f32x4.add
            v128.store align=4
            local.get $dst  i32.const 16  i32.add  local.set $dst
            local.get $v  i32.const 4  i32.add  local.tee $v
            local.get $OW  i32.lt_s  br_if $pixels
          end
          local.get $ih  i32.const 1  i32.add  local.tee $ih
          local.get $H  i32.lt_s  br_if $inrows
        end
        local.get $kw  i32.const 1  i32.add  local.tee $kw
        local.get $KW  i32.lt_s  br_if $tapcols
      end
      local.get $c  i32.const 1  i32.add  local.tee $c
      local.get $C  i32.lt_s  br_if $channels
    end
  )

  ;; sums[r % channels] += the float64 sum of src[r][0 .. len) for each of $rows rows of $len floats:
  ;; a convolution's bias gradient, the output gradient summed over each channel's pixels. Each
  ;; float32 is widened to float64 before it is added (two float64 pairs per vector), so a long
  ;; sum does not drift; $sums holds float64s.
  (func (export "add_row_sums") (param $src i32) (param $rows i32) (param $len i32) (param $sums i32) (param $channels i32)
    (local $r i32) (local $end i32) (local $vecEnd i32) (local $at i32)
    (local $lo v128) (local $hi v128) (local $x v128) (local $s f64)
    block $rowsDone
      loop $row
        local.get $r  local.get $rows  i32.ge_s  br_if $rowsDone
        v128.const i32x4 0 0 0 0  local.tee $lo  local.set $hi
        local.get $src  local.get $len  i32.const 2  i32.shl  i32.add  local.set $end
        local.get $src  local.get $len  i32.const -4  i32.and  i32.const 2  i32.shl  i32.add  local.set $vecEnd
        block $vecDone
          loop $vec  ;; lanes 0, 1 into $lo and lanes 2, 3 into $hi, as float64 pairs
            local.get $src  local.get $vecEnd  i32.ge_u  br_if $vecDone
            local.get $src  v128.load align=4  local.set $x
            local.get $lo  local.get $x  f64x2.promote_low_f32x4  f64x2.add  local.set $lo
            local.get $hi
            local.get $x  local.get $x  i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
            f64x2.promote_low_f32x4  f64x2.add  local.set $hi
            local.get $src  i32.const 16  i32.add  local.set $src
            br $vec
          end
        end
        local.get $lo  local.get $hi  f64x2.add  local.tee $lo  f64x2.extract_lane 0
        local.get $lo  f64x2.extract_lane 1  f64.add  local.set $s
        block $tailDone
          loop $tail  ;; the last len % 4 floats
            local.get $src  local.get $end  i32.ge_u  br_if $tailDone
            local.get $s  local.get $src  f32.load  f64.promote_f32  f64.add  local.set $s
            local.get $src  i32.const 4  i32.add  local.set $src
            br $tail
          end
        end
        ;; sums[r % channels] += s
        local.get $sums  local.get $r  local.get $channels  i32.rem_u  i32.const 3  i32.shl  i32.add  local.tee $at
        local.get $at  f64.load  local.get $s  f64.add  f64.store
        local.get $r  i32.const 1  i32.add  local.set $r
        br $row
      end
    end
  )

  (func (export "im2col")
    (param $img i32) (param $col i32) (param $ldcol i32)
    (param $C i32) (param $H i32) (param $W i32) (param $KH i32) (param $KW i32)
    (param $sH i32) (param $sW i32) (param $pH i32) (param $pW i32) (param $dH i32) (param $dW i32)
    (param $OH i32) (param $OW i32)
    i32.const 0  local.get $img  local.get $col  local.get $ldcol
    local.get $C  local.get $H  local.get $W  local.get $KH  local.get $KW
    local.get $sH  local.get $sW  local.get $pH  local.get $pW  local.get $dH  local.get $dW
    local.get $OH  local.get $OW
    call $walk
  )

  (func (export "col2im")
    (param $img i32) (param $col i32) (param $ldcol i32)
    (param $C i32) (param $H i32) (param $W i32) (param $KH i32) (param $KW i32)
    (param $sH i32) (param $sW i32) (param $pH i32) (param $pW i32) (param $dH i32) (param $dW i32)
    (param $OH i32) (param $OW i32)
    i32.const 1  local.get $img  local.get $col  local.get $ldcol
    local.get $C  local.get $H  local.get $W  local.get $KH  local.get $KW
    local.get $sH  local.get $sW  local.get $pH  local.get $pW  local.get $dH  local.get $dW
    local.get $OH  local.get $OW
    call $walk
  )
)
