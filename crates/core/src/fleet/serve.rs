//! The other side: the console's key may run only `shipshape fleet
//! serve` (its authorized_keys line says so), which reads what the
//! console asked (`SSH_ORIGINAL_COMMAND`) and answers only the Shipshape
//! commands listed here, word for word; anything else is refused and
//! nothing runs.

use crate::{Error, Result};

/// What the console may ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// `shipshape fleet report --json`.
    Report,
}

const ALLOWED: &[(&[&str], Asked)] = &[(super::connect::REPORT, Asked::Report)];

/// What `original` (the command the console sent) asks, if it is allowed.
pub fn asked(original: Option<&str>) -> Result<Asked> {
    let Some(original) = original else {
        return Err(Error::invalid_input(
            "Nothing was asked: this runs only for Shipshape's console, over SSH.",
            "Run shipshape fleet check on the console instead.",
        ));
    };
    let words: Vec<&str> = original.split_whitespace().collect();
    ALLOWED
        .iter()
        .find(|(shape, _)| *shape == words.as_slice())
        .map(|(_, asked)| *asked)
        .ok_or_else(|| {
            let shown: String = original.chars().take(200).collect();
            Error::invalid_input(
                format!("\u{201c}{shown}\u{201d} is not something Shipshape's console may ask here."),
                "Only Shipshape's own commands are answered; update Shipshape here if the console is newer.",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_commands_are_answered() {
        assert_eq!(
            asked(Some("shipshape fleet report --json")).expect("allowed"),
            Asked::Report
        );
        for bad in [
            "bash",
            "shipshape fleet report --json; rm -rf /",
            "shipshape vault show x",
            "shipshape  fleet report",
            "",
        ] {
            assert!(asked(Some(bad)).is_err(), "{bad}");
        }
        assert!(asked(None).is_err());
    }
}
