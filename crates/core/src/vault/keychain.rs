//! The OS keychain, reached through `keyring-core`: the Secret Service on
//! Linux. The only place a secret is ever stored.

use super::secret::Secret;
use crate::{Error, ErrorCode, Result};
use keyring_core::{CredentialStore, Entry};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// The keychain `service` attribute of every item Shipshape creates, so
/// `secret-tool search service org.shipshape.console` lists them.
pub const SERVICE: &str = "org.shipshape.console";

/// Our own attributes on each item. With them a secret whose record was lost
/// can be given its record back, and the keychain's own manager shows what
/// each item is.
pub(crate) const ATTR_NAME: &str = "shipshape-name";
pub(crate) const ATTR_KIND: &str = "shipshape-kind";
pub(crate) const ATTR_LOGIN: &str = "shipshape-login";
pub(crate) const ATTR_URL: &str = "shipshape-url";

/// A handle on a credential store: the system's, or (in tests of other
/// crates) any `keyring-core` store.
#[derive(Clone)]
pub struct Keychain {
    store: Arc<CredentialStore>,
}

impl fmt::Debug for Keychain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keychain")
            .field("store", &self.store.vendor())
            .finish()
    }
}

/// One keychain item of ours, as found by a search.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// The keychain `username`: `<vault id>:<credential id>`.
    pub account: String,
    pub attributes: HashMap<String, String>,
}

impl Keychain {
    /// Connects to the system keychain. Fails, with what to do, when no
    /// keychain service runs: Shipshape never falls back to a file.
    pub fn system() -> Result<Keychain> {
        #[cfg(target_os = "linux")]
        let store: Arc<CredentialStore> =
            zbus_secret_service_keyring_store::Store::new().map_err(from_keyring)?;
        #[cfg(not(target_os = "linux"))]
        let store: Arc<CredentialStore> = return Err(Error::new(
            ErrorCode::KeychainUnavailable,
            "This system's keychain is not supported yet.",
            "Use Shipshape's credentials on Linux for now.",
        ));
        Ok(Keychain { store })
    }

    pub fn with_store(store: Arc<CredentialStore>) -> Keychain {
        Keychain { store }
    }

    fn entry(&self, account: &str, label: Option<&str>) -> Result<Entry> {
        let mut modifiers = HashMap::new();
        if let Some(label) = label {
            modifiers.insert("label", label);
        }
        self.store
            .build(SERVICE, account, Some(&modifiers))
            .map_err(from_keyring)
    }

    /// Creates the item, with our attributes. Leaves nothing behind when any
    /// step fails.
    pub(crate) fn create(
        &self,
        account: &str,
        label: &str,
        attributes: &HashMap<&str, &str>,
        secret: &Secret,
    ) -> Result<()> {
        let entry = self.entry(account, Some(label))?;
        entry
            .set_secret(secret.expose().as_bytes())
            .map_err(from_keyring)?;
        if let Err(e) = entry.update_attributes(attributes) {
            let _ = entry.delete_credential();
            return Err(from_keyring(e));
        }
        Ok(())
    }

    pub(crate) fn read(&self, account: &str) -> Result<Secret> {
        let bytes = self
            .entry(account, None)?
            .get_secret()
            .map_err(from_keyring)?;
        Secret::from_keychain(bytes)
    }

    /// Replaces the secret of an existing item.
    pub(crate) fn replace(&self, account: &str, secret: &Secret) -> Result<()> {
        let entry = self.entry(account, None)?;
        // A specifier entry would quietly create a new item: make sure the
        // item is there first, so a vanished one is reported instead.
        entry.get_attributes().map_err(from_keyring)?;
        entry
            .set_secret(secret.expose().as_bytes())
            .map_err(from_keyring)
    }

    /// Changes our attributes and the label the keychain's manager shows.
    pub(crate) fn update(
        &self,
        account: &str,
        label: &str,
        attributes: &HashMap<&str, &str>,
    ) -> Result<()> {
        let entry = self.entry(account, None)?;
        entry.update_attributes(attributes).map_err(from_keyring)?;
        // Labels are not part of keyring-core's common API; the Secret
        // Service store offers them on its own credential type.
        #[cfg(target_os = "linux")]
        if let Some(item) = entry
            .as_any()
            .downcast_ref::<zbus_secret_service_keyring_store::cred::Specifier>()
        {
            item.set_label(label).map_err(from_keyring)?;
        }
        #[cfg(not(target_os = "linux"))]
        let _ = label;
        Ok(())
    }

    pub(crate) fn delete(&self, account: &str) -> Result<()> {
        self.entry(account, None)?
            .delete_credential()
            .map_err(from_keyring)
    }

    /// Every item of ours whose account starts with `prefix`.
    pub(crate) fn items(&self, prefix: &str) -> Result<Vec<Item>> {
        let found = self
            .store
            .search(&HashMap::from([("service", SERVICE)]))
            .map_err(from_keyring)?;
        let mut items = Vec::new();
        for entry in found {
            let attributes = entry.get_attributes().map_err(from_keyring)?;
            let Some(account) = attributes.get("username").cloned() else {
                continue;
            };
            if account.starts_with(prefix) {
                items.push(Item {
                    account,
                    attributes,
                });
            }
        }
        Ok(items)
    }
}

/// Says what a keychain failure means for the user and what to do.
pub(crate) fn from_keyring(e: keyring_core::Error) -> Error {
    use keyring_core::Error as K;
    match e {
        K::NoStorageAccess(detail) => Error::new(
            ErrorCode::KeychainLocked,
            format!("Your keychain is locked, so Shipshape cannot reach its secrets ({detail})."),
            "Unlock your login keyring (in Passwords and Keys, or by logging out and in again), then try again.",
        ),
        K::NoEntry => Error::new(
            ErrorCode::NotFound,
            "The secret is not in your keychain any more.",
            "It may have been deleted in another program. Run the credentials check (shipshape vault check) to tidy up, then add it again.",
        ),
        K::Invalid(what, why) => Error::invalid_input(
            format!("Your keychain refused the {what}: {why}."),
            "Change it and try again.",
        ),
        K::TooLong(what, limit) => Error::invalid_input(
            format!("The {what} is longer than your keychain allows ({limit})."),
            "Shorten it and try again.",
        ),
        other => Error::new(
            ErrorCode::KeychainUnavailable,
            format!("Shipshape could not reach your keychain (the Secret Service): {other}."),
            "Make sure a keyring service such as GNOME Keyring or KWallet runs in your session and is unlocked, then try again. Shipshape never keeps secrets in a file instead.",
        ),
    }
}
