use super::*;
use crate::testing::Lcg;
use std::path::Path;

/// A fresh directory under the system's temp dir for one test's cache file.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("neurite-calibrate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The pure-Rust provider run four times: a candidate four times slower on any machine. (A fixed
/// sleep was not enough under qemu, where the product itself takes tens of milliseconds and a
/// loaded machine's noise is larger than the sleep.)
struct Slow;

const SLOW_REPEATS: usize = 4;

impl GemmProvider for Slow {
    fn name(&self) -> &'static str {
        "slow"
    }
    fn sgemm(&self, g: &Gemm, a: &[f32], b: &[f32], c: &mut [f32]) {
        for _ in 0..SLOW_REPEATS {
            PURE.sgemm(g, a, b, c)
        }
    }
    fn dgemm(&self, g: &Gemm, a: &[f64], b: &[f64], c: &mut [f64]) {
        for _ in 0..SLOW_REPEATS {
            PURE.dgemm(g, a, b, c)
        }
    }
}

fn gemm(m: usize, n: usize, k: usize) -> Gemm {
    Gemm {
        trans_a: false,
        trans_b: false,
        m,
        n,
        k,
        alpha: 1.0,
        beta: 0.0,
    }
}

fn operands(g: &Gemm) -> (Vec<f32>, Vec<f32>) {
    let mut rng = Lcg(7);
    let a = rng.vec(g.m * g.k, 1.0).iter().map(|&v| v as f32).collect();
    let b = rng.vec(g.k * g.n, 1.0).iter().map(|&v| v as f32).collect();
    (a, b)
}

#[test]
fn pick_keeps_the_first_unless_another_is_clearly_faster() {
    assert_eq!(pick(&[1.0, 0.95]), 0, "5% is within the margin");
    assert_eq!(pick(&[1.0, 2.0, 0.5, 0.8]), 2);
    assert_eq!(pick(&[1.0, 1.5]), 0);
    assert_eq!(pick(&[1.0]), 0);
}

#[test]
fn timing_finds_the_slow_candidate_whichever_comes_first() {
    let g = gemm(32, 64, 512);
    let (a, b) = operands(&g);
    let c = vec![f32::NAN; g.m * g.n];
    let (best, times) = time_and_pick(&g, &a, &b, &c, &[&Slow, &PURE]);
    assert_eq!(best, 1);
    assert!(times[1] < times[0], "{times:?}");
    let (best, _) = time_and_pick(&g, &a, &b, &c, &[&PURE, &Slow]);
    assert_eq!(best, 0);
}

#[test]
fn classes_round_each_size_up_to_a_power_of_two() {
    let class = |m, n, k| Class::of(&gemm(m, n, k), false);
    let c = class(20, 209, 12288);
    assert_eq!((c.m, c.n, c.k), (5, 8, 14));
    assert_eq!(class(17, 256, 8193), c, "the same bucket on every side");
    assert_ne!(class(20, 257, 12288), c);
    assert_eq!(class(1, 1, 1).m, 0);
    assert_ne!(
        Class::of(&gemm(20, 209, 12288), true),
        c,
        "dtype is part of the class"
    );
}

#[test]
fn a_class_is_timed_once_kept_on_disk_and_read_back() {
    let dir = temp_dir("disk");
    let mut table = Table::load(Mode::On, Some(dir.clone()));
    let g = gemm(64, 64, 512); // 2^21 multiply-adds: timed
    let (a, b) = operands(&g);
    let c = vec![0.0f32; g.m * g.n];
    let chosen = table.provider_for(&g, &a, &b, &c);
    assert_eq!(table.entries.len(), 1);
    let choice = table.entries.values().next().unwrap().clone();
    assert_eq!(choice.provider, chosen.name());
    assert_eq!(choice.source, Source::Measured);
    assert_eq!(choice.times[0].0, "rules", "the rules are timed first");
    assert!(choice.times.len() >= 2, "{choice:?}");
    // Another shape of the same class: no new timing.
    let g2 = gemm(60, 63, 300); // 1.1M multiply-adds, the same class
    let (a2, b2) = operands(&g2);
    let c2 = vec![0.0f32; g2.m * g2.n];
    assert_eq!(table.provider_for(&g2, &a2, &b2, &c2).name(), chosen.name());
    assert_eq!(table.entries.len(), 1);
    assert!(table.problem.is_none(), "{:?}", table.problem);

    let again = Table::load(Mode::On, Some(dir.clone()));
    let read = &again.entries[&Class::of(&g, false)];
    assert_eq!(read.provider, choice.provider);
    assert_eq!(read.source, Source::Cached);
    for ((p, t), (q, u)) in read.times.iter().zip(&choice.times) {
        assert_eq!(p, q);
        assert!((t - u).abs() <= 1e-6 * u, "{t} vs {u}");
    }
    // `fresh` ignores the file; `off` neither reads nor times.
    assert!(Table::load(Mode::Fresh, Some(dir.clone()))
        .entries
        .is_empty());
    let mut off = Table::load(Mode::Off, Some(dir.clone()));
    assert_eq!(off.provider_for(&g, &a, &b, &c).name(), "rules");
    assert!(off.entries.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn products_too_small_or_too_large_to_time_keep_the_rules() {
    let mut table = Table::load(Mode::On, None);
    let g = gemm(64, 64, 64);
    let (a, b) = operands(&g);
    let c = vec![0.0f32; g.m * g.n];
    assert_eq!(table.provider_for(&g, &a, &b, &c).name(), "rules");
    // Too large: the decision comes before any operand is read, so empty slices do.
    let huge = gemm(2048, 2048, 1024);
    assert_eq!(
        table.provider_for::<f32>(&huge, &[], &[], &[]).name(),
        "rules"
    );
    assert!(table.entries.is_empty());
    assert!(table
        .problem
        .as_deref()
        .unwrap()
        .contains("NEURITE_CACHE_DIR"));
}

#[test]
fn a_file_for_another_machine_or_with_bad_lines_is_not_trusted() {
    let dir = temp_dir("foreign");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("gemm.tsv");
    let known = known_names();
    let class = Class::of(&gemm(20, 209, 12288), false);
    let choice = Choice {
        provider: "small",
        times: vec![("rules", 2e-3), ("small", 1e-3)],
        source: Source::Measured,
    };
    cache::write(
        &file,
        "machine A",
        &HashMap::from([(class, choice)]),
        &known,
    )
    .unwrap();
    assert_eq!(cache::read(&file, "machine A", &known).len(), 1);
    assert!(cache::read(&file, "machine B", &known).is_empty());
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().nth(2).unwrap();
    assert_eq!(
        line,
        "f32 NN t1 m5 n8 k14 small rules=2.000000e-3 small=1.000000e-3"
            .replace(" t1 ", &format!(" t{} ", class.threads))
    );
    let edited = [
        text.clone(),
        "f32 NN t1 m5 n8 k13 blas rules=1e-3\n".into(), // a provider this build lacks
        "f32 NN t1 m5 n8 k12 small rules=-1\n".into(),  // a time that cannot be
        "f16 NN t1 m5 n8 k11 small rules=1e-3\n".into(),
        "garbage\n".into(),
    ]
    .concat();
    std::fs::write(&file, edited).unwrap();
    let read = cache::read(&file, "machine A", &known);
    assert_eq!(read.len(), 1, "only the good line: {read:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_calibration_mode_names_the_variable_and_the_choices() {
    assert_eq!(parse_mode(""), Ok(Mode::On));
    assert_eq!(parse_mode("fresh"), Ok(Mode::Fresh));
    let message = parse_mode("sometimes").unwrap_err();
    assert!(
        message.contains("NEURITE_GEMM_CALIBRATION")
            && message.contains("'off'")
            && message.contains("'sometimes'")
    );
}

#[test]
fn the_cache_directory_is_a_path_named_for_the_machine() {
    let a = cache::file_in(Path::new("/x"), "one");
    let b = cache::file_in(Path::new("/x"), "two");
    assert_ne!(a, b);
    assert!(a.to_string_lossy().starts_with("/x/gemm-") && a.to_string_lossy().ends_with(".tsv"));
}
