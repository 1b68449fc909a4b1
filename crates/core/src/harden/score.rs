//! The security score: 0–100 over the checks that could be judged,
//! weighted by severity, and what costs the most points.

use super::check::{Finding, Severity, Status};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A finding that lowers the score, with the points it costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Cost {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    /// Points of the 100 this finding costs, one decimal.
    pub points: f64,
}

/// How many checks ended in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Counts {
    pub pass: u32,
    pub fail: u32,
    pub warning: u32,
    pub not_applicable: u32,
    pub needs_admin: u32,
    pub error: u32,
    #[serde(default)]
    pub accepted: u32,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.status {
                Status::Pass => c.pass += 1,
                Status::Fail => c.fail += 1,
                Status::Warning => c.warning += 1,
                Status::NotApplicable => c.not_applicable += 1,
                Status::NeedsAdmin => c.needs_admin += 1,
                Status::Error => c.error += 1,
                Status::Accepted => c.accepted += 1,
            }
        }
        c
    }
}

/// Weight lost by a finding: all of it for a failure, half for a warning.
fn lost(f: &Finding) -> f64 {
    let w = f64::from(f.severity.weight());
    match f.status {
        Status::Fail => w,
        Status::Warning => w / 2.0,
        _ => 0.0,
    }
}

fn counted(f: &Finding) -> bool {
    matches!(f.status, Status::Pass | Status::Fail | Status::Warning)
}

/// The score and the findings that cost most, worst first (at most
/// `top`). Checks that do not apply, need admin rights or could not run
/// are left out of the sum: they say nothing about this computer; nor do
/// accepted risks, which the user decided to live with for now. With
/// nothing to judge, the score is 100.
pub fn score(findings: &[Finding], top: usize) -> (u32, Vec<Cost>) {
    let possible: f64 = findings
        .iter()
        .filter(|f| counted(f))
        .map(|f| f64::from(f.severity.weight()))
        .sum();
    if possible == 0.0 {
        return (100, Vec::new());
    }
    let lost_total: f64 = findings.iter().map(lost).sum();
    let score = (100.0 * (possible - lost_total) / possible).round() as u32;
    let mut costs: Vec<Cost> = findings
        .iter()
        .filter(|f| lost(f) > 0.0)
        .map(|f| Cost {
            id: f.id.clone(),
            title: f.title.clone(),
            severity: f.severity,
            status: f.status,
            points: (1000.0 * lost(f) / possible).round() / 10.0,
        })
        .collect();
    costs.sort_by(|a, b| b.points.total_cmp(&a.points).then(a.id.cmp(&b.id)));
    costs.truncate(top);
    (score, costs)
}
