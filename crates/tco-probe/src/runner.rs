//! The parent side of a probe: check the file, start the worker (a re-run of
//! the calling binary with [`WORKER_ENV`] set), read its events, and turn an
//! abort inside llama.cpp into an error instead of dying with it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use sha2::{Digest, Sha256};

use crate::calibration::{
    summarize, CalibrationFile, MachineInfo, ModelInfo, Sample, Settings, FORMAT,
};
use crate::error::{GgufError, ProbeError};
use crate::gguf::{validate, GgufInfo, ValidateOptions};
use crate::machine::{self, Machine};
use crate::protocol::{WorkerEvent, WorkerRequest, WORKER_ENV};
use crate::synth::{self, Quant, Shape};

/// What to probe and how.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    pub model: PathBuf,
    /// `threads: 0` means the physical cores, `ctx: 0` just enough context.
    pub settings: Settings,
    /// Let llama.cpp's log through to stderr.
    pub verbose: bool,
    /// Check the file before loading it (turn off only to test the worker's
    /// crash handling).
    pub precheck: bool,
    /// Compute the model file's SHA-256 for the calibration file.
    pub hash: bool,
    /// Id in pricing/hardware.yaml of this machine, when the user knows it.
    pub hardware_id: Option<String>,
    /// This machine's memory bandwidth in GB/s, when known.
    pub bandwidth_gbs: Option<f64>,
}

impl ProbeOptions {
    pub fn new(model: impl Into<PathBuf>) -> ProbeOptions {
        ProbeOptions {
            model: model.into(),
            settings: Settings::default(),
            verbose: false,
            precheck: true,
            hash: true,
            hardware_id: None,
            bandwidth_gbs: None,
        }
    }
}

/// Where a probe is; `total` 0 means unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressUpdate {
    pub phase: String,
    pub done: u64,
    pub total: u64,
}

/// Probes a model file in a worker process started from `exe` (a binary
/// that calls [`crate::maybe_worker`] first thing). `on_progress` returns
/// false to cancel.
pub fn run_probe(
    exe: &Path,
    opts: &ProbeOptions,
    on_progress: &mut dyn FnMut(&ProgressUpdate) -> bool,
) -> Result<CalibrationFile, ProbeError> {
    let machine = machine::detect();
    let settings = resolve(&opts.settings, &machine)?;
    let model_err = |source: GgufError| ProbeError::Model {
        path: opts.model.display().to_string(),
        source,
    };
    let info = if opts.precheck {
        let memory = if settings.gpu_layers == 0 {
            machine.memory_bytes
        } else {
            None
        };
        let kv_cells = u64::from(settings.ctx);
        Some(
            validate(
                &opts.model,
                &ValidateOptions {
                    memory_bytes: memory,
                    kv_cells,
                },
            )
            .map_err(model_err)?,
        )
    } else {
        crate::gguf::inspect(&opts.model).ok()
    };
    let mut warnings = Vec::new();
    if let (Some(info), Some(avail)) = (&info, machine::available_memory()) {
        if settings.gpu_layers == 0 && info.tensor_bytes > avail {
            warnings.push(format!(
                "the model ({}) is larger than the memory free now ({}); the figures may include paging",
                crate::human_bytes(info.tensor_bytes),
                crate::human_bytes(avail)
            ));
        }
    }
    let sha256 = if opts.hash {
        Some(hash_file(&opts.model, on_progress)?)
    } else {
        None
    };

    let req = WorkerRequest {
        model: opts.model.clone(),
        settings: settings.clone(),
        verbose: opts.verbose,
        seed: 42,
    };
    let outcome = run_worker(exe, &req, opts.verbose, on_progress)?;
    let file = opts
        .model
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let model_bytes = info
        .as_ref()
        .map(|i| i.tensor_bytes)
        .unwrap_or(outcome.model_bytes);
    let summary = summarize(
        &outcome.samples,
        &settings,
        model_bytes,
        opts.bandwidth_gbs,
        &mut warnings,
    )
    .map_err(ProbeError::Engine)?;
    Ok(CalibrationFile::in_process(
        FORMAT,
        "tco probe",
        crate::calibration::now_rfc3339(),
        MachineInfo {
            cpu: machine.cpu.clone(),
            cores: machine.physical_cores,
            threads: settings.threads,
            backend: outcome.backend,
            gpu: outcome.gpu,
            memory_bytes: machine.memory_bytes,
            os: Some(machine.os.clone()),
            hardware_id: opts.hardware_id.clone(),
            bandwidth_gbs: opts.bandwidth_gbs,
        },
        model_info(file, info.as_ref(), model_bytes, outcome.n_params, sha256),
        settings,
        outcome.samples,
        summary,
        warnings,
    ))
}

/// Writes a random-weight model of `shape` to a temporary file, probes it and
/// deletes it. The calibration says the model was synthetic.
pub fn run_synthetic(
    exe: &Path,
    shape: &Shape,
    quant: Quant,
    opts: &ProbeOptions,
    on_progress: &mut dyn FnMut(&ProgressUpdate) -> bool,
) -> Result<CalibrationFile, ProbeError> {
    let writer = synth::model_writer(shape, quant).map_err(ProbeError::Settings)?;
    let size = writer.file_size();
    let machine = machine::detect();
    if let Some(mem) = machine.memory_bytes {
        if opts.settings.gpu_layers == 0 && size > mem {
            return Err(ProbeError::Model {
                path: format!("synthetic {} {quant}", shape.name),
                source: GgufError::TooBig {
                    needed: size,
                    available: mem,
                },
            });
        }
    }
    let dir = std::env::temp_dir();
    let tmp = tempfile::Builder::new()
        .prefix(&format!("tco-synthetic-{}-{quant}-", shape.name))
        .suffix(".gguf")
        .tempfile_in(&dir)
        .map_err(|e| {
            ProbeError::Io(format!(
                "cannot make a temporary file in {}: {e}",
                dir.display()
            ))
        })?;
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file());
        let mut rng = synth::Rng::new(7);
        let mut written = 0u64;
        let mut cancelled = false;
        let phase = format!("writing a synthetic {} {quant} model", shape.name);
        writer
            .write_to(&mut out, |t, chunk| {
                synth::fill_random(t.ttype, t.name.ends_with("norm.weight"), &mut rng, chunk);
                written += chunk.len() as u64;
                if !cancelled {
                    cancelled = !on_progress(&ProgressUpdate {
                        phase: phase.clone(),
                        done: written,
                        total: size,
                    });
                }
            })
            .map_err(|e| {
                ProbeError::Io(format!(
                    "cannot write the synthetic model ({}) to {}: {e}",
                    crate::human_bytes(size),
                    dir.display()
                ))
            })?;
        if cancelled {
            return Err(ProbeError::Cancelled);
        }
    }
    let mut o = opts.clone();
    o.model = tmp.path().to_path_buf();
    o.hash = false;
    let mut cal = run_probe(exe, &o, on_progress)?;
    if let Some(model) = cal.model.as_mut() {
        model.file = format!("synthetic-{}-{quant}.gguf", shape.name);
        model.synthetic = Some(shape.name.to_string());
    }
    cal.warnings.insert(
        0,
        format!(
            "synthetic model ({}): random weights, so its output is meaningless; only the speed counts",
            shape.what
        ),
    );
    drop(tmp);
    Ok(cal)
}

fn model_info(
    file: String,
    info: Option<&GgufInfo>,
    bytes: u64,
    n_params: u64,
    sha256: Option<String>,
) -> ModelInfo {
    ModelInfo {
        file,
        bytes,
        params: Some(info.map_or(n_params, |i| i.n_params)),
        quantization: info.map_or_else(|| "unknown".to_string(), GgufInfo::quantization),
        sha256,
        architecture: info.map(|i| i.architecture.clone()),
        synthetic: None,
    }
}

/// Fills in threads and context, and refuses settings that cannot work.
pub fn resolve(s: &Settings, machine: &Machine) -> Result<Settings, ProbeError> {
    let mut s = s.clone();
    let bad = |m: String| Err(ProbeError::Settings(m));
    if s.reps == 0 {
        return bad("--reps must be at least 1".into());
    }
    if s.prompt_tokens == 0 || s.gen_tokens == 0 {
        return bad("--prompt-tokens and --gen-tokens must be at least 1".into());
    }
    if s.concurrency.is_empty() || s.concurrency.iter().any(|c| *c == 0 || *c > 256) {
        return bad("--concurrency takes numbers from 1 to 256, e.g. 1,4,8".into());
    }
    s.concurrency.sort_unstable();
    s.concurrency.dedup();
    if s.concurrency[0] != 1 {
        s.concurrency.insert(0, 1);
    }
    if s.threads == 0 {
        s.threads = machine.physical_cores.max(1);
    }
    let max_c = *s.concurrency.last().unwrap_or(&1);
    let per_seq = s.prompt_tokens + s.gen_tokens;
    let needed = (max_c * per_seq)
        .max(s.pp_tokens + s.tg_tokens)
        .max(per_seq);
    if s.ctx == 0 {
        s.ctx = needed.div_ceil(256) * 256;
    } else if s.ctx < needed {
        return bad(format!(
            "--ctx {} is too small: {max_c} sequences of {} prompt + {} generated tokens need {needed}",
            s.ctx, s.prompt_tokens, s.gen_tokens
        ));
    }
    Ok(s)
}

fn hash_file(
    path: &Path,
    on_progress: &mut dyn FnMut(&ProgressUpdate) -> bool,
) -> Result<String, ProbeError> {
    let io = |e: std::io::Error| ProbeError::Io(format!("{}: {e}", path.display()));
    let mut f = std::fs::File::open(path).map_err(io)?;
    let total = f.metadata().map_err(io)?.len();
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut done = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        done += n as u64;
        if !on_progress(&ProgressUpdate {
            phase: "hashing the model file".into(),
            done,
            total,
        }) {
            return Err(ProbeError::Cancelled);
        }
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

struct Outcome {
    backend: String,
    gpu: Option<String>,
    n_params: u64,
    model_bytes: u64,
    samples: Vec<Sample>,
}

fn run_worker(
    exe: &Path,
    req: &WorkerRequest,
    verbose: bool,
    on_progress: &mut dyn FnMut(&ProgressUpdate) -> bool,
) -> Result<Outcome, ProbeError> {
    on_progress(&ProgressUpdate {
        phase: "loading the model".into(),
        done: 0,
        total: 0,
    });
    let mut child = Command::new(exe)
        .env(WORKER_ENV, "1")
        .env("GGML_NO_BACKTRACE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            ProbeError::Io(format!(
                "cannot start the probe worker {}: {e}",
                exe.display()
            ))
        })?;
    let request = serde_json::to_string(req).map_err(|e| ProbeError::Io(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A worker that died at once is reported from its exit status below.
        let _ = stdin.write_all(request.as_bytes());
    }
    let stderr = child.stderr.take();
    let err_thread = std::thread::spawn(move || {
        let mut lines = Vec::new();
        if let Some(e) = stderr {
            for line in BufReader::new(e).lines().map_while(Result::ok) {
                if verbose {
                    eprintln!("{line}");
                }
                lines.push(line);
                if lines.len() > 200 {
                    lines.remove(0);
                }
            }
        }
        lines
    });
    let mut out = Outcome {
        backend: "CPU".into(),
        gpu: None,
        n_params: 0,
        model_bytes: 0,
        samples: Vec::new(),
    };
    let mut error = None;
    let mut finished = false;
    let mut cancelled = false;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            // llama.cpp may print to stdout too; only our JSON lines count.
            let Ok(event) = serde_json::from_str::<WorkerEvent>(&line) else {
                continue;
            };
            match event {
                WorkerEvent::Loaded {
                    backend,
                    gpu,
                    n_params,
                    model_bytes,
                    ..
                } => {
                    out.backend = backend;
                    out.gpu = gpu;
                    out.n_params = n_params;
                    out.model_bytes = model_bytes;
                }
                WorkerEvent::Progress { done, total, phase } => {
                    if !on_progress(&ProgressUpdate { phase, done, total }) {
                        cancelled = true;
                        let _ = child.kill();
                        break;
                    }
                }
                WorkerEvent::Sample { sample } => out.samples.push(sample),
                WorkerEvent::Done => finished = true,
                WorkerEvent::Error { message } => error = Some(message),
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| ProbeError::Io(format!("lost the probe worker: {e}")))?;
    let stderr_lines = err_thread.join().unwrap_or_default();
    if cancelled {
        return Err(ProbeError::Cancelled);
    }
    if let Some(message) = error {
        return Err(ProbeError::Engine(message));
    }
    if !status.success() || !finished {
        return Err(ProbeError::Crashed {
            how: describe_exit(status),
            detail: crash_detail(&stderr_lines),
        });
    }
    Ok(out)
}

fn describe_exit(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return match sig {
                6 => "crashed: llama.cpp aborted (SIGABRT, exit code 134 in a shell); the model file is probably malformed".into(),
                9 => "was killed (SIGKILL), most likely for running out of memory".into(),
                11 => "crashed with a segmentation fault inside llama.cpp".into(),
                s => format!("was killed by signal {s}"),
            };
        }
    }
    match status.code() {
        Some(134) => {
            "crashed: llama.cpp aborted (exit code 134); the model file is probably malformed"
                .into()
        }
        Some(0) => "stopped before finishing".into(),
        Some(c) => format!("exited with code {c}"),
        None => "ended abnormally".into(),
    }
}

/// The lines of the worker's stderr that explain a crash.
fn crash_detail(lines: &[String]) -> String {
    let picked: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .filter(|l| {
            l.contains("GGML_ASSERT")
                || l.contains("error")
                || l.contains("terminate called")
                || l.contains("what()")
        })
        .collect();
    let chosen: Vec<&str> = if picked.is_empty() {
        lines
            .iter()
            .rev()
            .take(3)
            .rev()
            .map(String::as_str)
            .collect()
    } else {
        picked.into_iter().rev().take(4).rev().collect()
    };
    chosen.join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> Machine {
        Machine {
            cpu: "x".into(),
            physical_cores: 2,
            logical_cpus: 4,
            memory_bytes: Some(1 << 30),
            os: "linux".into(),
        }
    }

    #[test]
    fn settings_resolve_threads_and_context() {
        let s = resolve(&Settings::default(), &machine()).unwrap();
        assert_eq!(s.threads, 2);
        // 8 sequences of 200 + 500 tokens.
        assert_eq!(s.ctx, 5632);
        let s = resolve(
            &Settings {
                concurrency: vec![4, 2],
                ..Settings::default()
            },
            &machine(),
        )
        .unwrap();
        assert_eq!(s.concurrency, vec![1, 2, 4]);
        let err = resolve(
            &Settings {
                ctx: 100,
                ..Settings::default()
            },
            &machine(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("--ctx 100 is too small"), "{err}");
        assert!(resolve(
            &Settings {
                reps: 0,
                ..Settings::default()
            },
            &machine()
        )
        .is_err());
    }

    #[test]
    fn crash_detail_keeps_the_assertion() {
        let lines = vec![
            "loading".to_string(),
            "/x/llama-vocab.cpp:123: GGML_ASSERT(a == b) failed".to_string(),
            "Aborted".to_string(),
        ];
        assert!(crash_detail(&lines).contains("GGML_ASSERT"));
    }
}
