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

  (func (export "conv_forward") (param $in i32) (param $w i32) (param $bias i32) (param $out i32)
      (param $N i32) (param $C i32) (param $H i32) (param $W i32) (param $OC i32) (param $KH i32) (param $KW i32)
      (param $OH i32) (param $OW i32)
    (local $n i32) (local $oc i32) (local $oh i32) (local $ow i32) (local $c i32) (local $kh i32) (local $kw i32)
    (local $acc v128) (local $wp i32) (local $row i32) (local $img i32) (local $plane i32)
    local.get $H  local.get $W  i32.mul  i32.const 2  i32.shl  local.set $plane  ;; bytes of one input channel
    loop $images
      i32.const 0  local.set $oc
      loop $channels_out
        i32.const 0  local.set $oh
        loop $rows
          i32.const 0  local.set $ow
          loop $cols
            local.get $bias  local.get $oc  i32.const 2  i32.shl  i32.add  v128.load32_splat  local.set $acc
            ;; $wp walks w[oc][c][kh][kw] in order; $img is input channel c of image n
            local.get $oc  local.get $C  i32.mul  local.get $KH  i32.mul  local.get $KW  i32.mul  i32.const 2  i32.shl
            local.get $w  i32.add  local.set $wp
            local.get $in  local.get $n  local.get $C  i32.mul  local.get $plane  i32.mul  i32.add  local.set $img
            i32.const 0  local.set $c
            loop $channels_in
              i32.const 0  local.set $kh
              loop $taprows
                ;; address of in[n][c][oh+kh][ow]
                local.get $img  local.get $oh  local.get $kh  i32.add  local.get $W  i32.mul  local.get $ow  i32.add  i32.const 2  i32.shl  i32.add
                local.set $row
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
                local.get $kh  i32.const 1  i32.add  local.tee $kh
                local.get $KH  i32.lt_s  br_if $taprows
              end
              local.get $img  local.get $plane  i32.add  local.set $img
              local.get $c  i32.const 1  i32.add  local.tee $c
              local.get $C  i32.lt_s  br_if $channels_in
            end
            local.get $out  local.get $acc  v128.store align=4
            local.get $out  i32.const 16  i32.add  local.set $out
            local.get $ow  i32.const 4  i32.add  local.tee $ow
            local.get $OW  i32.lt_s  br_if $cols
          end
          local.get $oh  i32.const 1  i32.add  local.tee $oh
          local.get $OH  i32.lt_s  br_if $rows
        end
        local.get $oc  i32.const 1  i32.add  local.tee $oc
        local.get $OC  i32.lt_s  br_if $channels_out
      end
      local.get $n  i32.const 1  i32.add  local.tee $n
      local.get $N  i32.lt_s  br_if $images
    end
  )

  (func (export "conv_weight_grad") (param $in i32) (param $g i32) (param $dw i32)
      (param $N i32) (param $C i32) (param $H i32) (param $W i32) (param $OC i32) (param $KH i32) (param $KW i32)
      (param $OH i32) (param $OW i32)
    (local $n i32) (local $oc i32) (local $oh i32) (local $ow i32) (local $c i32) (local $kh i32) (local $kw i32)
    (local $acc v128) (local $gp i32) (local $xp i32) (local $plane i32) (local $oplane i32)
    local.get $H  local.get $W  i32.mul  i32.const 2  i32.shl  local.set $plane
    local.get $OH  local.get $OW  i32.mul  i32.const 2  i32.shl  local.set $oplane
    loop $channels_out
      i32.const 0  local.set $c
      loop $channels_in
        i32.const 0  local.set $kh
        loop $taprows
          i32.const 0  local.set $kw
          loop $tapcols
            v128.const f32x4 0 0 0 0  local.set $acc
            i32.const 0  local.set $n
            loop $images
              i32.const 0  local.set $oh
              loop $rows
                ;; g[n][oc][oh][0] and in[n][c][oh+kh][kw]
                local.get $g  local.get $n  local.get $OC  i32.mul  local.get $oc  i32.add  local.get $oplane  i32.mul  i32.add
                local.get $oh  local.get $OW  i32.mul  i32.const 2  i32.shl  i32.add  local.set $gp
                local.get $in  local.get $n  local.get $C  i32.mul  local.get $c  i32.add  local.get $plane  i32.mul  i32.add
                local.get $oh  local.get $kh  i32.add  local.get $W  i32.mul  local.get $kw  i32.add  i32.const 2  i32.shl  i32.add  local.set $xp
                i32.const 0  local.set $ow
                loop $cols
                  local.get $acc
                  local.get $gp  v128.load align=4
                  local.get $xp  v128.load align=4
                  f32x4.mul  f32x4.add  local.set $acc
                  local.get $gp  i32.const 16  i32.add  local.set $gp
                  local.get $xp  i32.const 16  i32.add  local.set $xp
                  local.get $ow  i32.const 4  i32.add  local.tee $ow
                  local.get $OW  i32.lt_s  br_if $cols
                end
                local.get $oh  i32.const 1  i32.add  local.tee $oh
                local.get $OH  i32.lt_s  br_if $rows
              end
              local.get $n  i32.const 1  i32.add  local.tee $n
              local.get $N  i32.lt_s  br_if $images
            end
            ;; the four lanes' partial sums, added: (l0 + l1) + (l2 + l3)
            local.get $dw
            local.get $acc  f32x4.extract_lane 0  local.get $acc  f32x4.extract_lane 1  f32.add
            local.get $acc  f32x4.extract_lane 2  local.get $acc  f32x4.extract_lane 3  f32.add
            f32.add  f32.store
            local.get $dw  i32.const 4  i32.add  local.set $dw
            local.get $kw  i32.const 1  i32.add  local.tee $kw
            local.get $KW  i32.lt_s  br_if $tapcols
          end
          local.get $kh  i32.const 1  i32.add  local.tee $kh
          local.get $KH  i32.lt_s  br_if $taprows
        end
        local.get $c  i32.const 1  i32.add  local.tee $c
        local.get $C  i32.lt_s  br_if $channels_in
      end
      local.get $oc  i32.const 1  i32.add  local.tee $oc
      local.get $OC  i32.lt_s  br_if $channels_out
    end
  )
)
