//! `shipshape install FILE.deb`: what installing it would change, then
//! (with --yes) the installation, the earlier version kept to go back to
//! and everything put back when it fails.

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::api::{self, Session};
use shipshape_core::install::{Change, DebAsk, DebPreview, Trust};
use shipshape_core::progress::{NoProgress, Progress};
use shipshape_core::verify::Algorithm;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The .deb file
    file: PathBuf,
    /// Its SHA-256, as Verify proved it (shipshape verify FILE …)
    #[arg(long, required_unless_present_any = ["checksum", "accept_risk"])]
    sha256: Option<String>,
    /// Its checksum of another strong kind, as ALGORITHM:HEX (sha512:…, blake3:…)
    #[arg(long, conflicts_with = "sha256", value_name = "ALGORITHM:HEX")]
    checksum: Option<String>,
    /// Install it unverified, for this reason (recorded in red)
    #[arg(long, conflicts_with_all = ["sha256", "checksum"], value_name = "REASON")]
    accept_risk: Option<String>,
    /// Allow a version older than the installed one
    #[arg(long)]
    allow_downgrade: bool,
    /// Only show what would change
    #[arg(long, conflicts_with = "yes")]
    dry_run: bool,
    /// Install without asking
    #[arg(long)]
    yes: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// How the file is trusted: a checksum written ALGORITHM:HEX, or an
/// accepted risk with its reason.
pub fn trust(checksum: Option<&str>, accept_risk: Option<String>) -> Result<Trust, Error> {
    match (checksum, accept_risk) {
        (Some(checksum), None) => {
            let (algorithm, hex) = checksum.split_once(':').ok_or_else(|| {
                Error::invalid_input(
                    format!("\"{checksum}\" is not written ALGORITHM:HEX."),
                    "Write it like sha512:0f3c…, or use --sha256 HEX.",
                )
            })?;
            Ok(Trust::Digest {
                algorithm: Algorithm::parse(algorithm)?,
                hex: hex.to_string(),
            })
        }
        (None, Some(reason)) => Ok(Trust::RiskAccepted { reason }),
        _ => Err(Error::invalid_input(
            "Say how the file is trusted: its verified checksum, or that you accept the risk.",
            "Use --sha256 HEX (from shipshape verify), or --accept-risk REASON.",
        )),
    }
}

pub fn run(args: Args, ctx: &Context) -> Result<Verdict, Error> {
    let file = std::path::absolute(&args.file).map_err(|e| Error::io("find", &args.file, &e))?;
    let ask = DebAsk {
        file: file.display().to_string(),
        trust: trust(
            args.sha256
                .map(|hex| format!("sha256:{hex}"))
                .or(args.checksum)
                .as_deref(),
            args.accept_risk,
        )?,
        allow_downgrade: args.allow_downgrade,
    }
    .checked()?;
    let cancel = crate::stop_on_ctrl_c()?;
    let preview = api::install::preview(ask.clone(), &NoProgress, &cancel)?;
    if args.dry_run {
        if args.json {
            print_json(&preview)?;
        } else {
            print_preview(&preview);
        }
        return Ok(Verdict::Ok);
    }
    if !args.json {
        print_preview(&preview);
    }
    if !args.yes {
        return Err(Error::invalid_input(
            "Installing changes this computer, so it is done only when asked with --yes.",
            "Read what would change above, then run the same command with --yes.",
        ));
    }
    let store = ctx.open_store()?;
    let actor = ctx.actor();
    let s = Session {
        store: &store,
        actor: &actor,
    };
    let on_terminal = !args.json && std::io::stderr().is_terminal();
    let percent = |done: u64, _total: u64| {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\rInstalling: {done} %. ");
        let _ = err.flush();
    };
    let progress: &dyn Progress = if on_terminal { &percent } else { &NoProgress };
    let run = api::install::deb(s, ask, Utc::now(), progress, &cancel);
    if on_terminal {
        eprintln!();
    }
    crate::updates::show(&run?, args.json)
}

fn print_preview(p: &DebPreview) {
    let d = &p.deb;
    println!("{}", p.headline);
    println!(
        "  {} {} ({}): {}",
        d.package, d.version, d.architecture, d.summary
    );
    println!(
        "  Built by: {}",
        if d.maintainer.is_empty() {
            "(not said)"
        } else {
            &d.maintainer
        }
    );
    println!("  SHA-256: {}", p.sha256);
    if let Trust::RiskAccepted { reason } = &p.ask.trust {
        println!("  NOT VERIFIED. Risk accepted because: {reason}");
    }
    if p.change == Change::Downgrade {
        println!("  This is an older version than the one installed.");
    }
    println!("The package manager would:");
    for s in &p.steps {
        let what = match (&s.from, &s.to) {
            (None, Some(to)) => format!("add {to}"),
            (Some(from), Some(to)) if from == to => format!("install {to} again"),
            (Some(from), Some(to)) => format!("change {from} → {to}"),
            (Some(from), None) => format!("REMOVE {from}"),
            (None, None) => "change".to_string(),
        };
        println!("  {}: {what}", s.name);
    }
    for (title, items) in [
        (
            "Scripts it runs as root",
            d.scripts
                .iter()
                .map(|s| format!("{} ({} lines), {}", s.name, s.lines, s.when))
                .collect::<Vec<_>>(),
        ),
        ("Services it brings", d.services.clone()),
        ("Configuration files", d.conffiles.clone()),
        ("Package sources it adds", d.sources.clone()),
        ("Signing keys it adds for apt", d.keys.clone()),
        ("Scheduled jobs (cron) it adds", d.cron.clone()),
        ("Programs that run with raised rights", d.privileged.clone()),
    ] {
        if !items.is_empty() {
            println!("{title}:");
            for i in items {
                println!("  {i}");
            }
        }
    }
    println!(
        "  {} files, {} on disk.",
        d.files,
        shipshape_core::figures::bytes(d.installed_size)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_is_the_checksum_or_an_accepted_risk() {
        assert!(matches!(
            trust(Some("SHA-512:ab"), None),
            Ok(Trust::Digest {
                algorithm: Algorithm::Sha512,
                ..
            })
        ));
        assert!(matches!(
            trust(None, Some("lab".into())),
            Ok(Trust::RiskAccepted { .. })
        ));
        for wrong in ["ab", "sha3:ab"] {
            assert!(trust(Some(wrong), None).is_err(), "{wrong}");
        }
        assert!(trust(None, None).is_err());
    }
}
