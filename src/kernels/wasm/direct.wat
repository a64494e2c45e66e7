;; Direct convolution for inputs with few channels (the first layer of an image network), where
;; im2col would copy every input pixel KH*KW times to feed a GEMM with a short inner dimension.
;; Stride 1, no padding, no dilation; four output columns at a time:
;;
;;   forward: out[n][oc][oh][ow..ow+3] = bias[oc] + sum over (c, kh, kw) of
;;            w[oc][c][kh][kw] * in[n][c][oh+kh][ow+kw .. ow+kw+3]
;;   weight:  dw[oc][c][kh][kw] = sum over (n, oh, ow) of g[n][oc][oh][ow] * in[n][c][oh+kh][ow+kw],
;;            four lanes of partial sums over ow, added up at the end
;;
;; OW must be a multiple of 4 (the caller checks). Pointers are byte addresses; sizes are counts.

(module
  (import "env" "memory" (memory 1))

  ;; One vector of output: out[n][oc][oh][ow..ow+3] at $out, from image $img (channel 0 of image n)
  ;; and the weights of channel oc at $wp, starting from the bias at $bias.
  (func $one_vector (param $img i32) (param $wp i32) (param $bias i32) (param $out i32)
      (param $C i32) (param $KH i32) (param $KW i32) (param $rowBytes i32) (param $plane i32)
    (local $acc v128) (local $c i32) (local $kh i32) (local $kw i32) (local $row i32)
    local.get $bias  v128.load32_splat  local.set $acc
    loop $channels_in
      local.get $img  local.set $row
      i32.const 0  local.set $kh
      loop $taprows
        i32.const 0  local.set $kw
        loop $tapcols
          local.get $acc
          local.get $wp  v128.load32_splat
          local.get $row  local.get $kw  i32.const 2  i32.shl  i32.add  v128.load align=4
          f32x4.mul  f32x4.add  local.set $acc
          local.get $wp  i32.const 4  i32.add  local.set $wp
          local.get $kw  i32.const 1  i32.add  local.tee $kw
          local.get $KW  i32.lt_s  br_if $tapcols
        end
        local.get $row  local.get $rowBytes  i32.add  local.set $row
        local.get $kh  i32.const 1  i32.add  local.tee $kh
        local.get $KH  i32.lt_s  br_if $taprows
      end
      local.get $img  local.get $plane  i32.add  local.set $img
      local.get $c  i32.const 1  i32.add  local.tee $c
      local.get $C  i32.lt_s  br_if $channels_in
    end
    local.get $out  local.get $acc  v128.store align=4
  )

  ;; A block of 2 output channels × 4 output rows at one vector of columns: 8 accumulators, so 8
  ;; independent multiply-add chains, and each input vector loaded once serves both channels.
  ;; $img: input at (row oh, column ow) of channel 0 of image n; $wp0/$wp1: the two channels'
  ;; weights; $out: out[n][oc][oh][ow], the second channel $outPlane bytes further on.
  (func $block_2x4 (param $img i32) (param $wp0 i32) (param $wp1 i32) (param $bias i32) (param $out i32)
      (param $C i32) (param $KH i32) (param $KW i32) (param $rowBytes i32) (param $plane i32) (param $outRowBytes i32) (param $outPlane i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $wa v128) (local $wb v128)
    (local $c i32) (local $kh i32) (local $kw i32) (local $row0 i32) (local $row1 i32) (local $row2 i32) (local $row3 i32) (local $base i32)
    local.get $bias  v128.load32_splat  local.tee $a0  local.tee $a1  local.tee $a2  local.set $a3
    local.get $bias  v128.load32_splat offset=4  local.tee $b0  local.tee $b1  local.tee $b2  local.set $b3
    loop $channels_in
      local.get $img  local.set $base
      i32.const 0  local.set $kh
      loop $taprows
        i32.const 0  local.set $kw
        local.get $base  local.tee $row0
        local.get $rowBytes  i32.add  local.tee $row1
        local.get $rowBytes  i32.add  local.tee $row2
        local.get $rowBytes  i32.add  local.set $row3
        loop $tapcols
          local.get $row0  v128.load align=4  local.set $x0
          local.get $row1  v128.load align=4  local.set $x1
          local.get $row2  v128.load align=4  local.set $x2
          local.get $row3  v128.load align=4  local.set $x3
          local.get $wp0  v128.load32_splat  local.set $wa
          local.get $wp1  v128.load32_splat  local.set $wb
          local.get $a0  local.get $wa  local.get $x0  f32x4.mul  f32x4.add  local.set $a0
          local.get $a1  local.get $wa  local.get $x1  f32x4.mul  f32x4.add  local.set $a1
          local.get $a2  local.get $wa  local.get $x2  f32x4.mul  f32x4.add  local.set $a2
          local.get $a3  local.get $wa  local.get $x3  f32x4.mul  f32x4.add  local.set $a3
          local.get $b0  local.get $wb  local.get $x0  f32x4.mul  f32x4.add  local.set $b0
          local.get $b1  local.get $wb  local.get $x1  f32x4.mul  f32x4.add  local.set $b1
          local.get $b2  local.get $wb  local.get $x2  f32x4.mul  f32x4.add  local.set $b2
          local.get $b3  local.get $wb  local.get $x3  f32x4.mul  f32x4.add  local.set $b3
          local.get $wp0  i32.const 4  i32.add  local.set $wp0
          local.get $wp1  i32.const 4  i32.add  local.set $wp1
          local.get $row0  i32.const 4  i32.add  local.set $row0
          local.get $row1  i32.const 4  i32.add  local.set $row1
          local.get $row2  i32.const 4  i32.add  local.set $row2
          local.get $row3  i32.const 4  i32.add  local.set $row3
          local.get $kw  i32.const 1  i32.add  local.tee $kw
          local.get $KW  i32.lt_s  br_if $tapcols
        end
        local.get $base  local.get $rowBytes  i32.add  local.set $base
        local.get $kh  i32.const 1  i32.add  local.tee $kh
        local.get $KH  i32.lt_s  br_if $taprows
      end
      local.get $img  local.get $plane  i32.add  local.set $img
      local.get $c  i32.const 1  i32.add  local.tee $c
      local.get $C  i32.lt_s  br_if $channels_in
    end
    local.get $out  local.get $a0  v128.store align=4
    local.get $out  local.get $outRowBytes  i32.add  local.tee $out  local.get $a1  v128.store align=4
    local.get $out  local.get $outRowBytes  i32.add  local.tee $out  local.get $a2  v128.store align=4
    local.get $out  local.get $outRowBytes  i32.add  local.tee $out  local.get $a3  v128.store align=4
    local.get $out  local.get $outRowBytes  i32.const 3  i32.mul  i32.sub  local.get $outPlane  i32.add  local.tee $out
    local.get $b0  v128.store align=4
    local.get $out  local.get $outRowBytes  i32.add  local.tee $out  local.get $b1  v128.store align=4
    local.get $out  local.get $outRowBytes  i32.add  local.tee $out  local.get $b2  v128.store align=4
    local.get $out  local.get $outRowBytes  i32.add  local.get $b3  v128.store align=4
  )

  ;; The forward pass: for each image, output channels in pairs and rows in fours through
  ;; $block_2x4; the rows past the last multiple of four, and an odd last channel, one vector at a
  ;; time through $one_vector.
  (func (export "conv_forward") (param $in i32) (param $w i32) (param $bias i32) (param $out i32)
      (param $N i32) (param $C i32) (param $H i32) (param $W i32) (param $OC i32) (param $KH i32) (param $KW i32)
      (param $OH i32) (param $OW i32)
    (local $n i32) (local $oc i32) (local $oh i32) (local $ow i32) (local $pair i32) (local $rows i32)
    (local $img i32) (local $plane i32) (local $rowBytes i32) (local $wBytes i32) (local $outRowBytes i32) (local $outPlane i32)
    (local $wp i32) (local $at i32) (local $outAt i32)
    local.get $W  i32.const 2  i32.shl  local.set $rowBytes
    local.get $H  local.get $rowBytes  i32.mul  local.set $plane
    local.get $C  local.get $KH  i32.mul  local.get $KW  i32.mul  i32.const 2  i32.shl  local.set $wBytes  ;; one output channel's weights
    local.get $OW  i32.const 2  i32.shl  local.set $outRowBytes
    local.get $OH  local.get $outRowBytes  i32.mul  local.set $outPlane
    loop $images
      local.get $in  local.get $n  local.get $C  i32.mul  local.get $plane  i32.mul  i32.add  local.set $img
      i32.const 0  local.set $oc
      loop $channels_out
        ;; a pair of channels when two are left, else one
        local.get $OC  local.get $oc  i32.sub  i32.const 2  i32.ge_s  local.set $pair
        local.get $w  local.get $oc  local.get $wBytes  i32.mul  i32.add  local.set $wp
        local.get $out  local.get $n  local.get $OC  i32.mul  local.get $oc  i32.add  local.get $outPlane  i32.mul  i32.add  local.set $outAt
        i32.const 0  local.set $oh
        loop $rows
          local.get $OH  local.get $oh  i32.sub  i32.const 4  i32.ge_s  local.get $pair  i32.and  local.set $rows  ;; 1: a 2x4 block
          i32.const 0  local.set $ow
          loop $cols
            ;; input at (oh, ow) of channel 0
            local.get $img  local.get $oh  local.get $rowBytes  i32.mul  i32.add  local.get $ow  i32.const 2  i32.shl  i32.add  local.set $at
            local.get $rows
            if
              local.get $at  local.get $wp  local.get $wp  local.get $wBytes  i32.add
              local.get $bias  local.get $oc  i32.const 2  i32.shl  i32.add
              local.get $outAt  local.get $oh  local.get $outRowBytes  i32.mul  i32.add  local.get $ow  i32.const 2  i32.shl  i32.add
              local.get $C  local.get $KH  local.get $KW  local.get $rowBytes  local.get $plane  local.get $outRowBytes  local.get $outPlane
              call $block_2x4
            else
              local.get $at  local.get $wp  local.get $bias  local.get $oc  i32.const 2  i32.shl  i32.add
              local.get $outAt  local.get $oh  local.get $outRowBytes  i32.mul  i32.add  local.get $ow  i32.const 2  i32.shl  i32.add
              local.get $C  local.get $KH  local.get $KW  local.get $rowBytes  local.get $plane
              call $one_vector
              local.get $pair
              if  ;; the pair's second channel, same row
                local.get $at  local.get $wp  local.get $wBytes  i32.add  local.get $bias  local.get $oc  i32.const 2  i32.shl  i32.add  i32.const 4  i32.add
                local.get $outAt  local.get $outPlane  i32.add  local.get $oh  local.get $outRowBytes  i32.mul  i32.add  local.get $ow  i32.const 2  i32.shl  i32.add
                local.get $C  local.get $KH  local.get $KW  local.get $rowBytes  local.get $plane
                call $one_vector
              end
            end
            local.get $ow  i32.const 4  i32.add  local.tee $ow
            local.get $OW  i32.lt_s  br_if $cols
          end
          ;; four rows were done as a block, one otherwise
          local.get $oh  i32.const 1  local.get $rows  i32.const 3  i32.mul  i32.add  i32.add  local.tee $oh
          local.get $OH  i32.lt_s  br_if $rows
        end
        local.get $oc  i32.const 1  local.get $pair  i32.add  i32.add  local.tee $oc
        local.get $OC  i32.lt_s  br_if $channels_out
      end
      local.get $n  i32.const 1  i32.add  local.tee $n
      local.get $N  i32.lt_s  br_if $images
    end
  )

  ;; The weight gradient of taps kw..kw+3 of one (c, kh) row of the kernel, for output channel oc
  ;; and (when $pair) oc+1: dw[oc][c][kh][kw+t] = sum over (n, oh, ow) of g[n][oc][oh][ow] *
  ;; in[n][c][oh+kh][ow+kw+t]. Eight accumulators (2 channels × 4 taps), each gradient vector and
  ;; input vector loaded once for four and two of them; each keeps four lanes of partial sums over
  ;; ow, added up at the end: (l0 + l1) + (l2 + l3).
  ;; $g0: g[0][oc][0][0]; $x0at: in[0][c][kh][kw]; $dw: dw[oc][c][kh][kw], oc+1's $wBytes further on.
  (func $taps_4 (param $g0at i32) (param $x0at i32) (param $dw i32) (param $pair i32)
      (param $N i32) (param $OH i32) (param $OW i32) (param $imageBytes i32) (param $gImageBytes i32)
      (param $rowSkip i32) (param $outPlane i32) (param $wBytes i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $g0 v128) (local $g1 v128)
    (local $n i32) (local $oh i32) (local $ow i32) (local $gp i32) (local $xp i32) (local $dw1 i32)
    loop $images
      local.get $g0at  local.get $n  local.get $gImageBytes  i32.mul  i32.add  local.set $gp
      local.get $x0at  local.get $n  local.get $imageBytes  i32.mul  i32.add  local.set $xp
      i32.const 0  local.set $oh
      loop $rows
        i32.const 0  local.set $ow
        loop $cols
          local.get $gp  v128.load align=4  local.set $g0
          local.get $gp  local.get $outPlane  i32.add  v128.load align=4  local.set $g1
          local.get $xp  v128.load offset=0 align=4  local.set $x0
          local.get $xp  v128.load offset=4 align=4  local.set $x1
          local.get $xp  v128.load offset=8 align=4  local.set $x2
          local.get $xp  v128.load offset=12 align=4  local.set $x3
          local.get $a0  local.get $g0  local.get $x0  f32x4.mul  f32x4.add  local.set $a0
          local.get $a1  local.get $g0  local.get $x1  f32x4.mul  f32x4.add  local.set $a1
          local.get $a2  local.get $g0  local.get $x2  f32x4.mul  f32x4.add  local.set $a2
          local.get $a3  local.get $g0  local.get $x3  f32x4.mul  f32x4.add  local.set $a3
          local.get $b0  local.get $g1  local.get $x0  f32x4.mul  f32x4.add  local.set $b0
          local.get $b1  local.get $g1  local.get $x1  f32x4.mul  f32x4.add  local.set $b1
          local.get $b2  local.get $g1  local.get $x2  f32x4.mul  f32x4.add  local.set $b2
          local.get $b3  local.get $g1  local.get $x3  f32x4.mul  f32x4.add  local.set $b3
          local.get $gp  i32.const 16  i32.add  local.set $gp
          local.get $xp  i32.const 16  i32.add  local.set $xp
          local.get $ow  i32.const 4  i32.add  local.tee $ow
          local.get $OW  i32.lt_s  br_if $cols
        end
        local.get $xp  local.get $rowSkip  i32.add  local.set $xp  ;; on to the next input row
        local.get $oh  i32.const 1  i32.add  local.tee $oh
        local.get $OH  i32.lt_s  br_if $rows
      end
      local.get $n  i32.const 1  i32.add  local.tee $n
      local.get $N  i32.lt_s  br_if $images
    end
    local.get $dw  local.get $a0  f32x4.extract_lane 0  local.get $a0  f32x4.extract_lane 1  f32.add  local.get $a0  f32x4.extract_lane 2  local.get $a0  f32x4.extract_lane 3  f32.add  f32.add  f32.store offset=0
    local.get $dw  local.get $a1  f32x4.extract_lane 0  local.get $a1  f32x4.extract_lane 1  f32.add  local.get $a1  f32x4.extract_lane 2  local.get $a1  f32x4.extract_lane 3  f32.add  f32.add  f32.store offset=4
    local.get $dw  local.get $a2  f32x4.extract_lane 0  local.get $a2  f32x4.extract_lane 1  f32.add  local.get $a2  f32x4.extract_lane 2  local.get $a2  f32x4.extract_lane 3  f32.add  f32.add  f32.store offset=8
    local.get $dw  local.get $a3  f32x4.extract_lane 0  local.get $a3  f32x4.extract_lane 1  f32.add  local.get $a3  f32x4.extract_lane 2  local.get $a3  f32x4.extract_lane 3  f32.add  f32.add  f32.store offset=12
    local.get $pair
    if
      local.get $dw  local.get $wBytes  i32.add  local.set $dw1
      local.get $dw1  local.get $b0  f32x4.extract_lane 0  local.get $b0  f32x4.extract_lane 1  f32.add  local.get $b0  f32x4.extract_lane 2  local.get $b0  f32x4.extract_lane 3  f32.add  f32.add  f32.store offset=0
      local.get $dw1  local.get $b1  f32x4.extract_lane 0  local.get $b1  f32x4.extract_lane 1  f32.add  local.get $b1  f32x4.extract_lane 2  local.get $b1  f32x4.extract_lane 3  f32.add  f32.add  f32.store offset=4
      local.get $dw1  local.get $b2  f32x4.extract_lane 0  local.get $b2  f32x4.extract_lane 1  f32.add  local.get $b2  f32x4.extract_lane 2  local.get $b2  f32x4.extract_lane 3  f32.add  f32.add  f32.store offset=8
      local.get $dw1  local.get $b3  f32x4.extract_lane 0  local.get $b3  f32x4.extract_lane 1  f32.add  local.get $b3  f32x4.extract_lane 2  local.get $b3  f32x4.extract_lane 3  f32.add  f32.add  f32.store offset=12
    end
  )

  ;; The same for one tap kw (the taps past the last multiple of four). Rows go in pairs, each row
  ;; with its own accumulators (4 chains in all), added together at the end; an odd last row alone.
  (func $taps_1 (param $g0at i32) (param $x0at i32) (param $dw i32) (param $pair i32)
      (param $N i32) (param $OH i32) (param $OW i32) (param $imageBytes i32) (param $gImageBytes i32)
      (param $rowSkip i32) (param $outPlane i32) (param $wBytes i32)
    (local $a0 v128) (local $b0 v128) (local $a1 v128) (local $b1 v128) (local $x0 v128) (local $x1 v128)
    (local $n i32) (local $oh i32) (local $ow i32) (local $gp i32) (local $xp i32) (local $gRow i32) (local $xRow i32)
    local.get $OW  i32.const 2  i32.shl  local.set $gRow
    local.get $OW  i32.const 2  i32.shl  local.get $rowSkip  i32.add  local.set $xRow  ;; bytes of an input row
    loop $images
      local.get $g0at  local.get $n  local.get $gImageBytes  i32.mul  i32.add  local.set $gp
      local.get $x0at  local.get $n  local.get $imageBytes  i32.mul  i32.add  local.set $xp
      i32.const 0  local.set $oh
      block $rowsDone
        loop $rows
          local.get $oh  local.get $OH  i32.ge_s  br_if $rowsDone
          local.get $OH  local.get $oh  i32.sub  i32.const 2  i32.ge_s
          if  ;; rows oh and oh+1 together
            i32.const 0  local.set $ow
            loop $cols2
              local.get $xp  v128.load align=4  local.set $x0
              local.get $xp  local.get $xRow  i32.add  v128.load align=4  local.set $x1
              local.get $a0  local.get $gp  v128.load align=4  local.get $x0  f32x4.mul  f32x4.add  local.set $a0
              local.get $a1  local.get $gp  local.get $gRow  i32.add  v128.load align=4  local.get $x1  f32x4.mul  f32x4.add  local.set $a1
              local.get $b0  local.get $gp  local.get $outPlane  i32.add  v128.load align=4  local.get $x0  f32x4.mul  f32x4.add  local.set $b0
              local.get $b1  local.get $gp  local.get $outPlane  i32.add  local.get $gRow  i32.add  v128.load align=4  local.get $x1  f32x4.mul  f32x4.add  local.set $b1
              local.get $gp  i32.const 16  i32.add  local.set $gp
              local.get $xp  i32.const 16  i32.add  local.set $xp
              local.get $ow  i32.const 4  i32.add  local.tee $ow
              local.get $OW  i32.lt_s  br_if $cols2
            end
            local.get $gp  local.get $gRow  i32.add  local.set $gp  ;; past the second row
          local.get $xp  local.get $rowSkip  i32.add  local.get $xRow  i32.add  local.set $xp
            local.get $oh  i32.const 2  i32.add  local.set $oh
          else  ;; the odd last row
            i32.const 0  local.set $ow
            loop $cols
              local.get $xp  v128.load align=4  local.set $x0
              local.get $a0  local.get $gp  v128.load align=4  local.get $x0  f32x4.mul  f32x4.add  local.set $a0
              local.get $b0  local.get $gp  local.get $outPlane  i32.add  v128.load align=4  local.get $x0  f32x4.mul  f32x4.add  local.set $b0
              local.get $gp  i32.const 16  i32.add  local.set $gp
              local.get $xp  i32.const 16  i32.add  local.set $xp
              local.get $ow  i32.const 4  i32.add  local.tee $ow
              local.get $OW  i32.lt_s  br_if $cols
            end
          local.get $xp  local.get $rowSkip  i32.add  local.set $xp
            local.get $oh  i32.const 1  i32.add  local.set $oh
          end
          br $rows
        end
      end
      local.get $n  i32.const 1  i32.add  local.tee $n
      local.get $N  i32.lt_s  br_if $images
    end
    local.get $a0  local.get $a1  f32x4.add  local.set $a0
    local.get $b0  local.get $b1  f32x4.add  local.set $b0
    local.get $dw  local.get $a0  f32x4.extract_lane 0  local.get $a0  f32x4.extract_lane 1  f32.add  local.get $a0  f32x4.extract_lane 2  local.get $a0  f32x4.extract_lane 3  f32.add  f32.add  f32.store
    local.get $pair
    if
      local.get $dw  local.get $wBytes  i32.add  local.get $b0  f32x4.extract_lane 0  local.get $b0  f32x4.extract_lane 1  f32.add  local.get $b0  f32x4.extract_lane 2  local.get $b0  f32x4.extract_lane 3  f32.add  f32.add  f32.store
    end
  )

  ;; The weight gradient: output channels in pairs (one when one is left), and each (c, kh) row
  ;; of taps four at a time through $taps_4, the rest one at a time through $taps_1.
  (func (export "conv_weight_grad") (param $in i32) (param $g i32) (param $dw i32)
      (param $N i32) (param $C i32) (param $H i32) (param $W i32) (param $OC i32) (param $KH i32) (param $KW i32)
      (param $OH i32) (param $OW i32)
    (local $oc i32) (local $c i32) (local $kh i32) (local $kw i32) (local $pair i32)
    (local $plane i32) (local $outPlane i32) (local $imageBytes i32) (local $gImageBytes i32) (local $rowSkip i32) (local $wBytes i32)
    (local $g0at i32) (local $x0at i32) (local $dwAt i32)
    local.get $H  local.get $W  i32.mul  i32.const 2  i32.shl  local.set $plane
    local.get $OH  local.get $OW  i32.mul  i32.const 2  i32.shl  local.set $outPlane
    local.get $C  local.get $plane  i32.mul  local.set $imageBytes
    local.get $OC  local.get $outPlane  i32.mul  local.set $gImageBytes
    local.get $W  local.get $OW  i32.sub  i32.const 2  i32.shl  local.set $rowSkip  ;; from the end of a row's OW columns to the next row
    local.get $C  local.get $KH  i32.mul  local.get $KW  i32.mul  i32.const 2  i32.shl  local.set $wBytes
    loop $channels_out
      local.get $OC  local.get $oc  i32.sub  i32.const 2  i32.ge_s  local.set $pair
      local.get $g  local.get $oc  local.get $outPlane  i32.mul  i32.add  local.set $g0at
      i32.const 0  local.set $c
      loop $channels_in
        i32.const 0  local.set $kh
        loop $taprows
          i32.const 0  local.set $kw
          loop $tapcols
            local.get $in  local.get $c  local.get $plane  i32.mul  i32.add
            local.get $kh  local.get $W  i32.mul  local.get $kw  i32.add  i32.const 2  i32.shl  i32.add  local.set $x0at
            local.get $dw  local.get $oc  local.get $wBytes  i32.mul  i32.add
            local.get $c  local.get $KH  i32.mul  local.get $kh  i32.add  local.get $KW  i32.mul  local.get $kw  i32.add  i32.const 2  i32.shl  i32.add
            local.set $dwAt
            local.get $KW  local.get $kw  i32.sub  i32.const 4  i32.ge_s
            if
              local.get $g0at  local.get $x0at  local.get $dwAt  local.get $pair
              local.get $N  local.get $OH  local.get $OW  local.get $imageBytes  local.get $gImageBytes  local.get $rowSkip  local.get $outPlane  local.get $wBytes
              call $taps_4
              local.get $kw  i32.const 4  i32.add  local.set $kw
            else
              local.get $g0at  local.get $x0at  local.get $dwAt  local.get $pair
              local.get $N  local.get $OH  local.get $OW  local.get $imageBytes  local.get $gImageBytes  local.get $rowSkip  local.get $outPlane  local.get $wBytes
              call $taps_1
              local.get $kw  i32.const 1  i32.add  local.set $kw
            end
            local.get $kw  local.get $KW  i32.lt_s  br_if $tapcols
          end
          local.get $kh  i32.const 1  i32.add  local.tee $kh
          local.get $KH  i32.lt_s  br_if $taprows
        end
        local.get $c  i32.const 1  i32.add  local.tee $c
        local.get $C  i32.lt_s  br_if $channels_in
      end
      local.get $oc  i32.const 1  local.get $pair  i32.add  i32.add  local.tee $oc
      local.get $OC  i32.lt_s  br_if $channels_out
    end
  )
)
