//! `shipshape hash`, `verify`, `check`, `sig verify`, `publishers`: prove a
//! download is the one its publisher released.

use crate::{Context, Verdict, print_json};
use shipshape_core::progress::{Cancel, NoProgress};
use shipshape_core::verify::request::{
    self, ListedStatus, Method, Signed, SignedBy, VerifyRequest,
};
use shipshape_core::verify::signature::{self, PublicKeys};
use shipshape_core::verify::verdict::{FileVerdict, Safety};
use shipshape_core::verify::{Algorithm, file, publishers, sums};
use shipshape_core::{Error, ErrorCode};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

const ALGOS: [&str; 5] = ["sha256", "sha512", "blake3", "sha1", "md5"];

fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

#[derive(Debug, clap::Args)]
pub struct HashArgs {
    /// Algorithm
    #[arg(long, default_value = "sha256", value_parser = ["sha256", "sha512", "blake3"])]
    algo: String,
    /// Files to hash (several are hashed in parallel)
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Prints lines `sha256sum -c` / `b3sum -c` accept.
pub fn hash(args: HashArgs) -> Result<Verdict, Error> {
    let algorithm = Algorithm::parse(&args.algo)?;
    let results = file::hash_many(&args.files, &[algorithm], &Cancel::new());
    let mut out = std::io::stdout().lock();
    let mut failed = None;
    for (path, result) in args.files.iter().zip(results) {
        match result {
            Ok(d) => {
                let line =
                    sums::format_line(algorithm, &d.digests[0].hex, path.as_os_str().as_bytes());
                out.write_all(&line)
                    .map_err(|e| Error::io("write to", Path::new("standard output"), &e))?;
            }
            Err(e) => {
                eprintln!("shipshape: {} {}", e.message, e.hint);
                failed = Some(e.code);
            }
        }
    }
    match failed {
        // Like sha256sum: the other files are still printed.
        Some(code) => Err(Error::new(
            code,
            "Some files could not be hashed (see above).",
            "Check the names and permissions of the files listed above.",
        )),
        None => Ok(Verdict::Ok),
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct SignedArgs {
    /// A detached signature (OpenPGP .sig/.asc/.gpg, or .minisig)
    #[arg(long, value_name = "SIG")]
    sig: Option<PathBuf>,
    /// The publisher's OpenPGP key file or keyring
    #[arg(long, value_name = "KEYFILE", conflicts_with_all = ["publisher", "minisign_key"])]
    key: Option<PathBuf>,
    /// A trusted publisher pinned with `shipshape publishers add`
    #[arg(long, value_name = "NAME", conflicts_with = "minisign_key")]
    publisher: Option<String>,
    /// The publisher's minisign public key
    #[arg(long, value_name = "PUB")]
    minisign_key: Option<PathBuf>,
}

impl SignedArgs {
    fn signed(&self, signature_is_on_list: bool) -> Signed {
        Signed {
            signature: self
                .sig
                .as_deref()
                .filter(|_| signature_is_on_list)
                .map(absolute),
            key: self
                .key
                .as_deref()
                .or(self.minisign_key.as_deref())
                .map(absolute),
            publisher: self.publisher.clone(),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The downloaded file
    file: PathBuf,
    #[command(flatten)]
    compare: CompareArgs,
    /// Keep a private, read-only copy of exactly the bytes checked (in the data folder), to install from
    #[arg(long)]
    stage: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// What a file is compared with: the publisher's checksum, a checksum
/// list, or a signature (shared by verify and install).
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The publisher's SHA-256 checksum
    #[arg(long, value_name = "HEX", group = "expected")]
    sha256: Option<String>,
    /// The publisher's SHA-512 checksum
    #[arg(long, value_name = "HEX", group = "expected")]
    sha512: Option<String>,
    /// The publisher's BLAKE3 checksum
    #[arg(long, value_name = "HEX", group = "expected")]
    blake3: Option<String>,
    /// A SHA-1 checksum (weak: not proof against tampering)
    #[arg(long, value_name = "HEX", group = "expected")]
    sha1: Option<String>,
    /// An MD5 checksum (weak: not proof against tampering)
    #[arg(long, value_name = "HEX", group = "expected")]
    md5: Option<String>,
    /// A checksum list that names the file (SHA256SUMS, B3SUMS, …); --sig then signs the list
    #[arg(long, value_name = "LIST", group = "expected")]
    sums: Option<PathBuf>,
    /// The algorithm of a list whose name does not say (64 digits: sha256 or blake3)
    #[arg(long, value_parser = ALGOS, requires = "sums")]
    algo: Option<String>,
    #[command(flatten)]
    signed: SignedArgs,
}

impl CompareArgs {
    /// Whether anything to compare with was given.
    pub fn given(&self) -> bool {
        [
            &self.sha256,
            &self.sha512,
            &self.blake3,
            &self.sha1,
            &self.md5,
        ]
        .iter()
        .any(|v| v.is_some())
            || self.sums.is_some()
            || self.signed.sig.is_some()
    }
}

/// How `file` is checked, from what was given to compare it with.
pub fn request(file: &Path, compare: &CompareArgs) -> Result<VerifyRequest, Error> {
    Ok(VerifyRequest {
        file: absolute(file),
        method: method(compare)?,
        stage: false,
    })
}

fn method(args: &CompareArgs) -> Result<Method, Error> {
    let pasted = [
        (Algorithm::Sha256, &args.sha256),
        (Algorithm::Sha512, &args.sha512),
        (Algorithm::Blake3, &args.blake3),
        (Algorithm::Sha1, &args.sha1),
        (Algorithm::Md5, &args.md5),
    ];
    if let Some((algorithm, Some(hex))) = pasted.into_iter().find(|(_, v)| v.is_some()) {
        if args.signed.sig.is_some() {
            return Err(Error::invalid_input(
                "--sig goes with --sums (a signed list) or alone (a signature over the file).",
                "Drop the checksum, or drop --sig.",
            ));
        }
        return Ok(Method::Checksum {
            algorithm,
            hex: hex.clone(),
        });
    }
    if let Some(list) = &args.sums {
        return Ok(Method::List {
            list: absolute(list),
            algorithm: args.algo.as_deref().map(Algorithm::parse).transpose()?,
            signed: args.signed.signed(true),
        });
    }
    if let Some(sig) = &args.signed.sig {
        let signed = args.signed.signed(false);
        return Ok(Method::Signature {
            signature: absolute(sig),
            signed: SignedBy {
                key: signed.key,
                publisher: signed.publisher,
            },
        });
    }
    Err(Error::invalid_input(
        "Nothing to compare the file with.",
        "Give the publisher's checksum (--sha256 HEX), a checksum list (--sums LIST) or a signature (--sig SIG with --key, --publisher or --minisign-key).",
    ))
}

pub fn verify(args: VerifyArgs, ctx: &Context) -> Result<Verdict, Error> {
    let request = VerifyRequest {
        stage: args.stage,
        ..request(&args.file, &args.compare)?
    };
    let store = ctx.open_store()?;
    let v = request::run(
        &store,
        &ctx.actor(),
        chrono::Utc::now(),
        &request,
        &NoProgress,
        &Cancel::new(),
    )?;
    report(&v, args.json)
}

fn report(v: &FileVerdict, json: bool) -> Result<Verdict, Error> {
    if json {
        print_json(v)?;
    } else {
        println!("{}", v.headline);
        println!("{}", v.advice);
        match &v.link_target {
            Some(target) => println!("  file:      {} (a link to {target})", v.file),
            None => println!("  file:      {}", v.file),
        }
        println!("  algorithm: {}", v.algorithm.label());
        println!("  expected:  {}", v.expected);
        println!("  actual:    {}", v.actual);
        if let Some(by) = &v.vouched_by {
            let pinned = if by.pinned {
                "trusted publisher"
            } else {
                "not pinned"
            };
            println!("  signed by: {} ({}, {pinned})", by.name, by.fingerprint);
        }
    }
    if !json && let Some(copy) = &v.staged {
        println!("  verified copy: {copy} (install from this copy)");
    }
    Ok(match v.safety {
        Safety::Safe => Verdict::Ok,
        Safety::Caution | Safety::Unsafe => Verdict::Negative,
    })
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The checksum list; files are read relative to its folder
    list: PathBuf,
    /// The algorithm of a list whose name does not say (64 digits: sha256 or blake3)
    #[arg(long, value_parser = ALGOS)]
    algo: Option<String>,
    #[command(flatten)]
    signed: SignedArgs,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// Like `sha256sum -c`, in parallel.
pub fn check(args: CheckArgs, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let algorithm = args.algo.as_deref().map(Algorithm::parse).transpose()?;
    let result = request::check_list(
        &store,
        &ctx.actor(),
        chrono::Utc::now(),
        &args.list,
        algorithm,
        &args.signed.signed(true),
        &Cancel::new(),
    )?;
    if args.json {
        print_json(&result)?;
    } else {
        if let Some(p) = &result.signature_problem {
            println!(
                "The list's signature does not check out: {} {}",
                p.message, p.hint
            );
        }
        if let Some(by) = &result.vouched_by {
            let pinned = if by.pinned {
                "trusted publisher"
            } else {
                "not pinned"
            };
            println!("Signed by {} ({}, {pinned})", by.name, by.fingerprint);
        }
        for f in &result.files {
            match (f.status, &f.problem) {
                (ListedStatus::Verified, _) => println!("{}: OK", f.file),
                (ListedStatus::Missing, _) => println!("{}: MISSING", f.file),
                (ListedStatus::Failed, Some(p)) => println!("{}: FAILED ({p})", f.file),
                (ListedStatus::Failed, None) => println!("{}: FAILED (does not match)", f.file),
            }
        }
        println!(
            "{} verified, {} failed, {} missing",
            result.verified, result.failed, result.missing
        );
    }
    Ok(if result.all_verified() {
        Verdict::Ok
    } else {
        Verdict::Negative
    })
}

#[derive(Debug, clap::Subcommand)]
pub enum SigCommand {
    /// Check a detached or clearsigned OpenPGP signature; prints the signer's fingerprint
    Verify(SigVerifyArgs),
}

#[derive(Debug, clap::Args)]
pub struct SigVerifyArgs {
    /// The signed document (or a clearsigned document)
    doc: PathBuf,
    /// A detached signature over DOC
    #[arg(long, value_name = "DETACHED")]
    sig: Option<PathBuf>,
    /// The signer's OpenPGP key file or keyring
    #[arg(long, value_name = "KEYFILE")]
    key: PathBuf,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::io(&format!("read the {what}"), path, &e))
}

pub fn sig(cmd: SigCommand) -> Result<Verdict, Error> {
    let SigCommand::Verify(args) = cmd;
    let keys = PublicKeys::from_bytes(&read(&args.key, "key file")?)?;
    let now = chrono::Utc::now();
    let check = match &args.sig {
        Some(sig) => {
            let signature = read(sig, "signature")?;
            let mut doc =
                std::fs::File::open(&args.doc).map_err(|e| Error::io("read", &args.doc, &e))?;
            signature::verify_detached(&mut doc, &signature, &keys, now)?
        }
        None => signature::verify_clearsigned(&read(&args.doc, "document")?, &keys, now)?.check,
    };
    if args.json {
        print_json(&check)?;
    } else {
        for s in check.signers() {
            let who = s
                .user_ids
                .first()
                .map(String::as_str)
                .unwrap_or("(no user id)");
            println!("Good signature from {who}");
            println!("  fingerprint: {}", s.fingerprint);
        }
        if !check.is_valid() {
            for p in check.problems() {
                println!("Bad signature: {} {}", p.message, p.hint);
            }
        }
    }
    Ok(if check.is_valid() {
        Verdict::Ok
    } else {
        Verdict::Negative
    })
}

#[derive(Debug, clap::Subcommand)]
pub enum PublishersCommand {
    /// List trusted publishers and their pinned keys
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Pin a publisher's OpenPGP key (shows the fingerprint; confirm it on the publisher's site)
    Add {
        name: String,
        keyfile: PathBuf,
        /// Replace a different key already pinned under NAME
        #[arg(long)]
        replace: bool,
    },
    /// Unpin a publisher
    Remove { name: String },
}

pub fn publishers(cmd: PublishersCommand, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let now = chrono::Utc::now();
    match cmd {
        PublishersCommand::List { json } => {
            let all = publishers::list(&store)?;
            if json {
                print_json(&all)?;
            } else if all.is_empty() {
                println!(
                    "No trusted publishers yet. Pin one with `shipshape publishers add NAME KEYFILE`."
                );
            } else {
                for p in all {
                    println!("{}  {}  {}", p.name, p.fingerprint, p.user_ids.join(", "));
                }
            }
        }
        PublishersCommand::Add {
            name,
            keyfile,
            replace,
        } => {
            let key = read(&keyfile, "key file")?;
            match publishers::add(&store, now, &ctx.actor(), &name, &key, replace) {
                Ok(p) => {
                    println!("Pinned {} to key {}", p.name, p.fingerprint);
                    for uid in &p.user_ids {
                        println!("  {uid}");
                    }
                    println!(
                        "Check that this fingerprint matches the one on the publisher's own website."
                    );
                }
                Err(e) if e.code == ErrorCode::KeyChanged => {
                    eprintln!("WARNING: THE PUBLISHER'S KEY HAS CHANGED");
                    return Err(e);
                }
                Err(e) => return Err(e),
            }
        }
        PublishersCommand::Remove { name } => {
            publishers::remove(&store, now, &ctx.actor(), &name)?;
            println!("{name} is no longer a trusted publisher.");
        }
    }
    Ok(Verdict::Ok)
}
