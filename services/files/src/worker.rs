//! Where thumbnails and text are made. Decoding photos and parsing PDFs take memory in
//! proportion to the file (a 300 MB manual is parsed whole), and PDF parsers can crash on
//! hostile input; so the running `gamme-files` binary does that work in a child process of
//! itself (`gamme-files work <job> <path> <media type>`), with a time limit. The service's own
//! memory stays flat, and a crash or an out-of-memory kill takes only the child. Where the
//! binary is not `gamme-files` (the service's own tests), the work runs in process.
//!
//! The child is fenced: it starts with a cleared environment (it never sees the database URL,
//! the link key or any other `GAMME_*` setting), and before it opens the file it caps its own
//! address space and CPU time ([`Limits`], `setrlimit` with equal soft and hard limits, which an
//! unprivileged process cannot raise again). A parser that runs away on a hostile file hits the
//! cap, the child dies, and the file gets a failed status; the service goes on.

use std::{os::unix::fs::OpenOptionsExt, path::Path, process::ExitCode, time::Duration};

use serde::{Deserialize, Serialize};

use crate::{
    text::{self, Extracted},
    thumbnails::{self, Thumbnail},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Thumbnail,
    Text,
}

impl Job {
    fn as_str(self) -> &'static str {
        match self {
            Job::Thumbnail => "thumbnail",
            Job::Text => "text",
        }
    }

    fn time_limit(self) -> Duration {
        match self {
            Job::Thumbnail => Duration::from_secs(120),
            Job::Text => Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Output {
    Thumbnail(Thumbnail),
    Text(Extracted),
}

fn work(job: Job, path: &Path, media_type: &str) -> Output {
    match job {
        Job::Thumbnail => Output::Thumbnail(thumbnails::make(path, media_type)),
        Job::Text => Output::Text(text::extract(path, media_type)),
    }
}

/// What a worker child may use. The defaults come from the largest files Gamme takes (see
/// `docs/deploy.md`'s sizing): text of a 512 MiB PDF needs about 1.5 GiB of address space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Address space (`RLIMIT_AS`), in bytes.
    pub memory_bytes: u64,
    /// CPU time (`RLIMIT_CPU`), in seconds.
    pub cpu_seconds: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits { memory_bytes: 2048 * 1024 * 1024, cpu_seconds: 600 };

    /// Caps this process. Soft and hard limits are equal: the child cannot raise them again.
    fn apply(self) -> std::io::Result<()> {
        use rustix::process::{setrlimit, Resource, Rlimit};
        let cap = |n| Rlimit { current: Some(n), maximum: Some(n) };
        setrlimit(Resource::As, cap(self.memory_bytes))?;
        setrlimit(Resource::Cpu, cap(self.cpu_seconds))?;
        Ok(())
    }

    fn describe(self) -> String {
        format!("{} MiB of memory, {} s of CPU", self.memory_bytes / (1024 * 1024), self.cpu_seconds)
    }
}

/// How the work is run.
#[derive(Debug, Clone)]
pub enum Runner {
    Child { program: std::path::PathBuf, limits: Limits },
    InProcess,
}

/// The name a worker child is started under: the binary it runs is `gamme-files`.
const CHILD_NAME: &str = "gamme-files";

/// The only variables a worker child gets: it needs none of the service's settings.
const CHILD_ENV: [(&str, &str); 2] = [("PATH", "/usr/local/bin:/usr/bin:/bin"), ("LANG", "C.UTF-8")];

impl Runner {
    /// A child process when this process is `gamme-files`: its own binary, or the image's
    /// `gamme`, which is every binary and is `gamme-files` by that name (so the child is
    /// started under that name too).
    pub fn detect(limits: Limits) -> Self {
        let called = std::env::args_os().next().map(std::path::PathBuf::from);
        let is_files = called.as_deref().and_then(Path::file_name).is_some_and(|n| n == CHILD_NAME);
        match std::env::current_exe() {
            Ok(program) if is_files => Runner::Child { program, limits },
            _ => Runner::InProcess,
        }
    }

    /// Runs `job`. A child that crashes, overruns or answers nonsense gives a failed verdict;
    /// only what says nothing about the file (the child cannot be started) is an error.
    /// The child writes its answer to a file in `scratch` (staging), read back as a stream, so
    /// the megabytes of a manual's text are never held twice here.
    pub async fn run(&self, job: Job, path: &Path, media_type: &str, scratch: &Path) -> Result<Output, String> {
        match self {
            Runner::InProcess => {
                let (path, media_type) = (path.to_owned(), media_type.to_owned());
                tokio::task::spawn_blocking(move || work(job, &path, &media_type))
                    .await
                    .map_err(|e| format!("the {} job failed: {e}", job.as_str()))
            }
            Runner::Child { program, limits } => {
                let answer = Answer(scratch.join(format!("{}.answer", uuid::Uuid::new_v4().simple())));
                let child = tokio::process::Command::new(program)
                    .arg0(CHILD_NAME)
                    .arg("work")
                    .arg(job.as_str())
                    .arg(path)
                    .arg(media_type)
                    .arg(&answer.0)
                    .arg(limits.memory_bytes.to_string())
                    .arg(limits.cpu_seconds.to_string())
                    .env_clear()
                    .envs(CHILD_ENV)
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::inherit())
                    .kill_on_drop(true)
                    .spawn()
                    .map_err(|e| format!("cannot start the {} worker: {e}", job.as_str()))?;
                let mut child = child;
                let status = match tokio::time::timeout(job.time_limit(), child.wait()).await {
                    Ok(status) => status.map_err(|e| format!("the {} worker failed: {e}", job.as_str()))?,
                    // Dropping the child's future killed it (kill_on_drop).
                    Err(_) => {
                        return Ok(verdict(
                            job,
                            format!("the {} work took longer than {:?}", job.as_str(), job.time_limit()),
                        ))
                    }
                };
                if !status.success() {
                    return Ok(verdict(
                        job,
                        format!(
                            "the {} worker stopped on this file ({status}; it may use {})",
                            job.as_str(),
                            limits.describe()
                        ),
                    ));
                }
                let read = tokio::task::spawn_blocking(move || {
                    let file = std::fs::File::open(&answer.0)?;
                    let parsed: Result<Output, _> = serde_json::from_reader(std::io::BufReader::new(file));
                    drop(answer);
                    Ok::<_, std::io::Error>(parsed)
                })
                .await
                .map_err(|e| format!("the {} answer could not be read: {e}", job.as_str()))?
                .map_err(|e| format!("the {} answer could not be read: {e}", job.as_str()))?;
                Ok(read.unwrap_or_else(|e| verdict(job, format!("the {} worker answered nonsense: {e}", job.as_str()))))
            }
        }
    }
}

/// The child's answer file, removed once read (or when the child failed).
struct Answer(std::path::PathBuf);

impl Drop for Answer {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A worker that died on a file (a panic that escaped, a crash, the out-of-memory killer, the
/// time limit) is the file's verdict: running it again would do the same.
fn verdict(job: Job, why: String) -> Output {
    match job {
        Job::Thumbnail => Output::Thumbnail(Thumbnail::Failed(why)),
        Job::Text => Output::Text(Extracted::Failed(why)),
    }
}

const USAGE: &str =
    "usage: gamme-files work <thumbnail|text> <path> <media type> <answer path> <memory bytes> <cpu seconds>";

/// `gamme-files work <thumbnail|text> <path> <media type> <answer path> <memory bytes> <cpu
/// seconds>`: caps itself, does the job and writes its outcome as JSON to a new file at the
/// answer path.
pub fn child_main(args: &[String]) -> ExitCode {
    let (job, path, media_type, answer, memory, cpu) = match args {
        [job, path, media_type, answer, memory, cpu] => {
            (job.as_str(), Path::new(path), media_type.as_str(), Path::new(answer), memory, cpu)
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (Ok(memory_bytes), Ok(cpu_seconds)) = (memory.parse(), cpu.parse()) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    // Before the file is opened: what the parser does with it happens under the caps.
    if let Err(e) = (Limits { memory_bytes, cpu_seconds }).apply() {
        eprintln!("cannot set the worker's limits: {e}");
        return ExitCode::FAILURE;
    }
    let job = match job {
        "thumbnail" => Job::Thumbnail,
        "text" => Job::Text,
        other => {
            eprintln!("unknown job `{other}`");
            return ExitCode::from(2);
        }
    };
    let output = work(job, path, media_type);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(answer)
        .map_err(serde_json::Error::io)
        .and_then(|file| {
            let mut writer = std::io::BufWriter::new(file);
            serde_json::to_writer(&mut writer, &output)?;
            std::io::Write::flush(&mut writer).map_err(serde_json::Error::io)
        });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot write the outcome: {e}");
            ExitCode::FAILURE
        }
    }
}
