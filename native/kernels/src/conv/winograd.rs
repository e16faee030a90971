//! Winograd F(2x2, 3x3) for 3x3, stride-1, undilated convolutions with enough channels to feed
//! a GEMM (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015).
//!
//! Every 2x2 block of outputs (a tile) reads a 4x4 input patch d. With U = G g Gᵀ for each
//! filter slice g (3x3) and V = Bᵀ d B for each channel, the tile is Aᵀ (Σ_c U ⊙ V) A: the sum
//! over channels is 16 independent products, M_ξ (tiles x F) = V_ξ (tiles x C) · U_ξ (C x F),
//! one per position ξ of the 4x4 transform. That is 16 multiply-adds per channel and filter for
//! four outputs instead of 36, 2.25x fewer than im2col + GEMM (bench/README.md has the
//! measurement). The transforms only add and halve, so rounding stays within a small multiple
//! of the direct sum's (tests.rs derives the bound).
//!
//! Tasks own whole images (their outputs are contiguous); inside a task the tiles go in blocks
//! of TILE_BLOCK, whose V and M (16 x block x C and 16 x block x F) stay in L2.

use super::Conv2d;
use crate::gemm::{self, Gemm, GemmProvider, GemmScalar};
use crate::Real;
use rayon::prelude::*;

/// Tiles per GEMM: V is 16 x 128 x C (256 KB of f32 at C = 32).
const TILE_BLOCK: usize = 128;

/// Whether conv2d with this geometry goes through Winograd: 3x3, stride 1, no dilation, and
/// at least 8 input and 8 output channels (below that the 16 GEMMs are too thin to pay for the
/// transforms; im2col or the one-channel kernels win).
pub fn applies(g: &Conv2d) -> bool {
    g.f_h == 3
        && g.f_w == 3
        && g.stride_h == 1
        && g.stride_w == 1
        && g.dil_h == 1
        && g.dil_w == 1
        && g.in_c >= 8
        && g.out_c >= 8
}

/// Whether dA_prev can be the Winograd convolution of dZ with the flipped filter: as for
/// `applies` with the channels swapped, and paddings of at most 2 (the flipped convolution's
/// padding is 2 minus each).
pub fn applies_to_input_gradient(g: &Conv2d) -> bool {
    applies(g)
        && [g.pad_top, g.pad_bottom, g.pad_left, g.pad_right]
            .iter()
            .all(|&p| p <= 2)
}

/// U (16, C, F) = G g Gᵀ for every channel and filter; W is (3, 3, C, F).
fn filter_transform<T: Real>(w: &[T], c: usize, f: usize) -> Vec<T> {
    let half = T::from_f64(0.5);
    let mut u = vec![T::ZERO; 16 * c * f];
    for ci in 0..c {
        for fi in 0..f {
            let g = |p: usize, q: usize| w[((p * 3 + q) * c + ci) * f + fi];
            // t = G g (4 x 3), then u = t Gᵀ (4 x 4).
            let t: [[T; 3]; 4] = [
                std::array::from_fn(|q| g(0, q)),
                std::array::from_fn(|q| (g(0, q) + g(1, q) + g(2, q)) * half),
                std::array::from_fn(|q| (g(0, q) - g(1, q) + g(2, q)) * half),
                std::array::from_fn(|q| g(2, q)),
            ];
            for (i, r) in t.iter().enumerate() {
                let row = [
                    r[0],
                    (r[0] + r[1] + r[2]) * half,
                    (r[0] - r[1] + r[2]) * half,
                    r[2],
                ];
                for (j, &v) in row.iter().enumerate() {
                    u[((i * 4 + j) * c + ci) * f + fi] = v;
                }
            }
        }
    }
    u
}

/// The tiles of one image: rows and columns of 2x2 output blocks.
fn tiles_of(g: &Conv2d) -> (usize, usize) {
    (g.out_h.div_ceil(2), g.out_w.div_ceil(2))
}

/// V for tiles [t0, t0 + count) of images x (images, H, W, C): v is (16, count, C); scratch holds 16 x C.
fn input_transform<T: Real>(
    x: &[T],
    g: &Conv2d,
    (t0, count): (usize, usize),
    zero: &[T],
    scratch: &mut [T],
    v: &mut [T],
) {
    let scratch = &mut scratch[..16 * g.in_c];
    let (c, (th, tw)) = (g.in_c, tiles_of(g));
    for t in 0..count {
        let (n, rest) = ((t0 + t) / (th * tw), (t0 + t) % (th * tw));
        let (ti, tj) = (rest / tw, rest % tw);
        let (h0, w0) = (
            (2 * ti) as isize - g.pad_top as isize,
            (2 * tj) as isize - g.pad_left as isize,
        );
        // The 16 patch positions' channel vectors, zeros outside the image.
        let d: [&[T]; 16] = std::array::from_fn(|k| {
            let (h, w) = (h0 + (k / 4) as isize, w0 + (k % 4) as isize);
            if h < 0 || w < 0 || h >= g.in_h as isize || w >= g.in_w as isize {
                zero
            } else {
                let s = ((n * g.in_h + h as usize) * g.in_w + w as usize) * c;
                &x[s..][..c]
            }
        });
        // r = Bᵀ d (rows), then V = r B (columns), a whole channel vector at a time.
        let r: [&mut [T]; 16] = {
            let mut parts = scratch.chunks_exact_mut(c);
            std::array::from_fn(|_| parts.next().expect("16 x C scratch"))
        };
        for j in 0..4 {
            sub(d[j], d[8 + j], r[j]);
            add(d[4 + j], d[8 + j], r[4 + j]);
            sub(d[8 + j], d[4 + j], r[8 + j]);
            sub(d[4 + j], d[12 + j], r[12 + j]);
        }
        let r = r.map(|s| &*s);
        let at = |k: usize| (k * count + t) * c;
        for i in 0..4 {
            let ri = &r[4 * i..4 * i + 4];
            sub(ri[0], ri[2], &mut v[at(4 * i)..][..c]);
            add(ri[1], ri[2], &mut v[at(4 * i + 1)..][..c]);
            sub(ri[2], ri[1], &mut v[at(4 * i + 2)..][..c]);
            sub(ri[1], ri[3], &mut v[at(4 * i + 3)..][..c]);
        }
    }
}

fn add<T: Real>(a: &[T], b: &[T], out: &mut [T]) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = x + y;
    }
}

fn sub<T: Real>(a: &[T], b: &[T], out: &mut [T]) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = x - y;
    }
}

/// Outputs of tiles [t0, t0 + count) from M (16, count, F), plus bias, into z (images, out_h, out_w, F);
/// y (4 x F) is scratch, so that every loop runs over whole channel vectors.
fn output_transform<T: Real>(
    mm: &[T],
    g: &Conv2d,
    (t0, count): (usize, usize),
    bias: Option<&[T]>,
    y: &mut [T],
    z: &mut [T],
) {
    let (f, (th, tw)) = (g.out_c, tiles_of(g));
    let (y0, rest) = y.split_at_mut(f);
    let (y1, rest) = rest.split_at_mut(f);
    let (y2, y3) = rest.split_at_mut(f);
    let y3 = &mut y3[..f];
    for t in 0..count {
        let (n, rest) = ((t0 + t) / (th * tw), (t0 + t) % (th * tw));
        let (ti, tj) = (rest / tw, rest % tw);
        let m: [&[T]; 16] = std::array::from_fn(|k| &mm[(k * count + t) * f..][..f]);
        for fi in 0..f {
            // s = Aᵀ m (2 x 4), then y = s A (2 x 2).
            let s0: [T; 4] = std::array::from_fn(|j| m[j][fi] + m[4 + j][fi] + m[8 + j][fi]);
            let s1: [T; 4] = std::array::from_fn(|j| m[4 + j][fi] - m[8 + j][fi] - m[12 + j][fi]);
            let b = bias.map_or(T::ZERO, |b| b[fi]);
            y0[fi] = s0[0] + s0[1] + s0[2] + b;
            y1[fi] = s0[1] - s0[2] - s0[3] + b;
            y2[fi] = s1[0] + s1[1] + s1[2] + b;
            y3[fi] = s1[1] - s1[2] - s1[3] + b;
        }
        let rows = (g.out_h - 2 * ti).min(2);
        let cols = (g.out_w - 2 * tj).min(2);
        for (k, yk) in [&*y0, &*y1, &*y2, &*y3].into_iter().enumerate() {
            let (a, bj) = (k / 2, k % 2);
            if a < rows && bj < cols {
                let at = ((n * g.out_h + 2 * ti + a) * g.out_w + 2 * tj + bj) * f;
                z[at..at + f].copy_from_slice(yk);
            }
        }
    }
}

/// Z = conv(x, W) (+ bias) for a geometry where `applies` holds; lengths already checked.
pub fn conv2d<T: GemmScalar>(
    p: &dyn GemmProvider,
    x: &[T],
    w: &[T],
    bias: Option<&[T]>,
    g: &Conv2d,
    out: &mut [T],
) {
    let (c, f) = (g.in_c, g.out_c);
    let u = filter_transform(w, c, f);
    let (th, tw) = tiles_of(g);
    let per_image = th * tw;
    let (image_in, image_out) = (g.in_h * g.in_w * c, g.out_h * g.out_w * f);
    // Images per task: about one block of tiles, and every thread busy.
    let group =
        (TILE_BLOCK / per_image.max(1)).clamp(1, g.m.div_ceil(rayon::current_num_threads()).max(1));
    gemm::serial_region(|| {
        out.par_chunks_mut(group * image_out)
            .enumerate()
            .for_each(|(task, z)| {
                let images = z.len() / image_out;
                let x = &x[task * group * image_in..][..images * image_in];
                let tiles = images * per_image;
                let block = tiles.min(TILE_BLOCK);
                let zero = vec![T::ZERO; c];
                let mut scratch = vec![T::ZERO; 16 * c];
                let mut v = vec![T::ZERO; 16 * block * c];
                let mut mm = vec![T::ZERO; 16 * block * f];
                let mut y = vec![T::ZERO; 4 * f];
                for t0 in (0..tiles).step_by(block) {
                    let count = block.min(tiles - t0);
                    input_transform(x, g, (t0, count), &zero, &mut scratch, &mut v);
                    let prod = Gemm {
                        trans_a: false,
                        trans_b: false,
                        m: count,
                        n: f,
                        k: c,
                        alpha: 1.0,
                        beta: 0.0,
                    };
                    for xi in 0..16 {
                        gemm::gemm_serial(
                            p,
                            &prod,
                            &v[xi * count * c..][..count * c],
                            &u[xi * c * f..][..c * f],
                            &mut mm[xi * count * f..][..count * f],
                        );
                    }
                    output_transform(&mm, g, (t0, count), bias, &mut y, z);
                }
            })
    });
}

/// dA_prev for a geometry where `applies_to_input_gradient` holds: the stride-1 convolution of
/// dZ with W flipped in both spatial axes and its channels swapped, padded by 2 minus each pad.
pub fn conv2d_backprop_input<T: GemmScalar>(
    p: &dyn GemmProvider,
    dz: &[T],
    w: &[T],
    g: &Conv2d,
    out: &mut [T],
) {
    let (c, f) = (g.in_c, g.out_c);
    let mut flipped = vec![T::ZERO; w.len()];
    for pq in 0..9 {
        for ci in 0..c {
            for fi in 0..f {
                flipped[(pq * f + fi) * c + ci] = w[((8 - pq) * c + ci) * f + fi];
            }
        }
    }
    let back = Conv2d {
        in_h: g.out_h,
        in_w: g.out_w,
        in_c: f,
        out_c: c,
        out_h: g.in_h,
        out_w: g.in_w,
        pad_top: 2 - g.pad_top,
        pad_bottom: 2 - g.pad_bottom,
        pad_left: 2 - g.pad_left,
        pad_right: 2 - g.pad_right,
        ..*g
    };
    conv2d(p, dz, &flipped, None, &back, out);
}
