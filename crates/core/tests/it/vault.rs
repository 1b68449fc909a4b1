//! Credentials against a real Secret Service (gnome-keyring) and a real
//! database: what is stored where, rollbacks when either side fails, the
//! repair of orphans, a keychain locked midway, and no secret left in our
//! files.

use crate::keyring::{found_in_folder, keyring_test, lock_keychain, secret_tool};
use crate::util::{TestDir, actor, all, at, t0};
use shipshape_core::ErrorCode;
use shipshape_core::vault::{self, Details, Keychain, Kind, Rotation, Secret, Use, Vault};

const CANARY: &str = "canary-7Hq2-zz91";

fn details(name: &str) -> Details {
    Details {
        name: name.into(),
        kind: Kind::WiFi,
        username: "office".into(),
        url: "router.local".into(),
        notes: "Front desk router".into(),
        rotate_days: Some(90),
    }
}

fn secret(s: &str) -> Secret {
    Secret::new(s.into()).unwrap()
}

fn keychain() -> Keychain {
    Keychain::system().unwrap()
}

/// Every keychain item of ours, as `secret-tool` sees it.
fn our_items() -> String {
    secret_tool(&[
        "search",
        "--all",
        "--unlock",
        "service",
        vault::keychain::SERVICE,
    ])
}

keyring_test! {
    fn a_credential_lives_in_the_keychain_and_its_record_in_the_store() {
        let dir = TestDir::new();
        let store = dir.open();
        let keychain = keychain();
        let actor = actor();
        let vault = Vault::new(&store, &keychain, &actor);
        let added = vault.add(t0(), details("  Office Wi-Fi "), &secret(CANARY)).unwrap();
        assert_eq!(added.name, "Office Wi-Fi");
        assert_eq!(added.rotation, Rotation::Current);

        let items = our_items();
        assert!(items.contains(&format!("secret = {CANARY}")), "{items}");
        assert!(items.contains("label = Shipshape: Office Wi-Fi"), "{items}");
        assert!(items.contains("attribute.shipshape-name = Office Wi-Fi"), "{items}");
        assert!(items.contains("attribute.shipshape-kind = wi_fi"), "{items}");
        assert!(items.contains("attribute.shipshape-login = office"), "{items}");
        assert!(items.contains(&format!(":{}", added.id)), "{items}");

        let listed = vault::list(&store, t0()).unwrap();
        assert_eq!(listed, vec![added.clone()]);
        assert_eq!(vault.secret(at(1), &added.id, Use::Reveal).unwrap().expose(), CANARY);
        assert_eq!(vault.use_secret(at(2), "office wi-fi", "alerts.smtp").unwrap().expose(), CANARY);

        let actions: Vec<String> = all(&store).iter().map(|e| e.action.clone()).collect();
        assert_eq!(actions, ["vault.add", "vault.reveal", "vault.use"]);
        drop(store);
        assert_eq!(found_in_folder(dir.data(), CANARY.as_bytes()), Vec::<String>::new());
    }
}

keyring_test! {
    fn bad_names_are_refused_before_anything_is_stored() {
        let dir = TestDir::new();
        let store = dir.open();
        let keychain = keychain();
        let actor = actor();
        let vault = Vault::new(&store, &keychain, &actor);
        vault.add(t0(), details("Router"), &secret("one")).unwrap();
        let dup = vault.add(t0(), details("ROUTER"), &secret("two")).unwrap_err();
        assert_eq!(dup.code, ErrorCode::InvalidInput);
        assert!(dup.message.contains("already exists"), "{}", dup.message);
        let empty = vault.add(t0(), details("   "), &secret("three")).unwrap_err();
        assert!(empty.message.contains("no name"), "{}", empty.message);
        assert_eq!(vault::list(&store, t0()).unwrap().len(), 1);
        let items = our_items();
        assert_eq!(items.matches("secret = ").count(), 1, "{items}");
        assert!(!items.contains("secret = two") && !items.contains("secret = three"));
    }
}

keyring_test! {
    fn a_record_that_cannot_be_saved_takes_its_secret_back_out() {
        let dir = TestDir::new();
        let store = dir.open();
        dir.raw()
            .execute_batch(
                "CREATE TRIGGER full BEFORE INSERT ON credentials BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END",
            )
            .unwrap();
        let keychain = keychain();
        let actor = actor();
        let e = Vault::new(&store, &keychain, &actor)
            .add(t0(), details("Router"), &secret(CANARY))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Io);
        assert!(e.message.contains("disk is full"), "{}", e.message);
        assert!(!our_items().contains("secret = "), "orphan secret left: {}", our_items());
        assert!(all(&store).is_empty());
    }
}

keyring_test! {
    fn a_failed_rotation_or_delete_leaves_secret_and_record_as_they_were() {
        let dir = TestDir::new();
        let store = dir.open();
        let keychain = keychain();
        let actor = actor();
        let vault = Vault::new(&store, &keychain, &actor);
        let c = vault.add(t0(), details("Router"), &secret("before")).unwrap();
        dir.raw()
            .execute_batch(
                "CREATE TRIGGER no_update BEFORE UPDATE ON credentials BEGIN SELECT RAISE(FAIL, 'disk I/O error'); END;
                 CREATE TRIGGER no_delete BEFORE DELETE ON credentials BEGIN SELECT RAISE(FAIL, 'disk I/O error'); END;",
            )
            .unwrap();
        assert!(vault.rotate(at(5), &c.id, &secret("after")).is_err());
        assert_eq!(vault.secret(at(6), &c.id, Use::Reveal).unwrap().expose(), "before");
        assert!(vault.remove(at(7), &c.id).is_err());
        assert_eq!(vault::list(&store, at(8)).unwrap(), vec![c.clone()]);
        assert_eq!(vault.secret(at(9), &c.id, Use::Reveal).unwrap().expose(), "before");
        assert!(our_items().contains("label = Shipshape: Router"), "{}", our_items());

        dir.raw().execute_batch("DROP TRIGGER no_update; DROP TRIGGER no_delete;").unwrap();
        let rotated = vault.rotate(at(10), &c.id, &secret("after")).unwrap();
        assert_eq!(
            rotated.last_rotated,
            at(10).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        );
        assert_eq!(vault.secret(at(11), &c.id, Use::Copy).unwrap().expose(), "after");
        vault.remove(at(12), &c.id).unwrap();
        assert!(vault::list(&store, at(13)).unwrap().is_empty());
        assert!(!our_items().contains("secret = "), "{}", our_items());
        let actions: Vec<String> = all(&store).iter().map(|e| e.action.clone()).collect();
        assert_eq!(
            actions,
            ["vault.add", "vault.reveal", "vault.reveal", "vault.rotate", "vault.copy", "vault.delete"]
        );
    }
}

keyring_test! {
    fn edits_rename_the_keychain_item_too() {
        let dir = TestDir::new();
        let store = dir.open();
        let keychain = keychain();
        let actor = actor();
        let vault = Vault::new(&store, &keychain, &actor);
        let c = vault.add(t0(), details("Router"), &secret("s")).unwrap();
        vault.add(t0(), details("Printer"), &secret("p")).unwrap();
        let mut new = details("Main router");
        new.kind = Kind::Password;
        new.rotate_days = None;
        let edited = vault.edit(at(1), &c.id, new).unwrap();
        assert_eq!(edited.name, "Main router");
        assert_eq!(edited.rotation, Rotation::NotScheduled);
        let items = our_items();
        assert!(items.contains("label = Shipshape: Main router"), "{items}");
        assert!(items.contains("attribute.shipshape-name = Main router"), "{items}");
        let clash = vault.edit(at(2), &c.id, details("printer")).unwrap_err();
        assert!(clash.message.contains("already exists"));
        assert_eq!(vault.secret(at(3), &c.id, Use::Reveal).unwrap().expose(), "s");
    }
}

keyring_test! {
    fn the_check_restores_lost_records_and_drops_records_without_secrets() {
        let dir = TestDir::new();
        let store = dir.open();
        let keychain = keychain();
        let actor = actor();
        let vault = Vault::new(&store, &keychain, &actor);
        let kept = vault.add(t0(), details("Kept"), &secret("k")).unwrap();
        let lost_record = vault.add(t0(), details("Lost record"), &secret("l")).unwrap();
        let lost_secret = vault.add(t0(), details("Lost secret"), &secret("m")).unwrap();
        // Another data folder sharing this keychain: never touched.
        let other_dir = TestDir::new();
        let other = other_dir.open();
        let other_item = Vault::new(&other, &keychain, &actor)
            .add(t0(), details("Other folder"), &secret("o"))
            .unwrap();

        // A crash after the keychain write, before the record: an orphan secret.
        dir.raw().execute("DELETE FROM credentials WHERE id = ?1", [&lost_record.id]).unwrap();
        // A secret deleted in another program: an orphan record.
        let cleared = secret_tool(&["clear", "shipshape-name", "Lost secret"]);
        assert!(cleared.is_empty(), "{cleared}");

        let report = vault.check(at(1)).unwrap();
        assert_eq!(report.restored, ["Lost record"]);
        assert_eq!(report.removed, ["Lost secret"]);
        assert!(report.summary().contains("restored the record of Lost record"), "{}", report.summary());
        let names: Vec<String> = vault::list(&store, at(2)).unwrap().into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["Kept", "Lost record"]);
        let restored = vault::find(&store, "Lost record", at(2)).unwrap();
        assert_eq!(restored.id, lost_record.id);
        assert_eq!(restored.kind, Kind::WiFi);
        assert_eq!(restored.username, "office");
        assert_eq!(vault.secret(at(3), &restored.id, Use::Reveal).unwrap().expose(), "l");
        assert!(vault.check(at(4)).unwrap().is_clean());
        assert_eq!(vault::list(&other, at(4)).unwrap(), vec![other_item]);
        assert_eq!(vault.secret(at(5), &kept.id, Use::Reveal).unwrap().expose(), "k");
        assert!(vault::find(&store, &lost_secret.name, at(5)).is_err());
        let repairs = all(&store).iter().filter(|e| e.action == "vault.repair").count();
        assert_eq!(repairs, 2);
    }
}

keyring_test! {
    fn a_keychain_locked_midway_changes_nothing_and_says_unlock() {
        let dir = TestDir::new();
        let store = dir.open();
        let keychain = keychain();
        let actor = actor();
        let vault = Vault::new(&store, &keychain, &actor);
        let c = vault.add(t0(), details("Router"), &secret("before")).unwrap();
        let before = vault::list(&store, t0()).unwrap();
        lock_keychain();

        let reveal = vault.secret(at(1), &c.id, Use::Reveal).unwrap_err();
        assert_eq!(reveal.code, ErrorCode::KeychainLocked, "{reveal:?}");
        assert!(reveal.hint.contains("Unlock your login keyring"), "{}", reveal.hint);
        for e in [
            vault.rotate(at(2), &c.id, &secret("after")).unwrap_err(),
            vault.remove(at(3), &c.id).unwrap_err(),
            vault.add(at(4), details("Printer"), &secret("p")).unwrap_err(),
            vault.check(at(5)).unwrap_err(),
        ] {
            assert_eq!(e.code, ErrorCode::KeychainLocked, "{e:?}");
        }
        // The list still shows, unchanged; nothing was audited as done.
        assert_eq!(vault::list(&store, at(6)).unwrap(), before);
        let actions: Vec<String> = all(&store).iter().map(|e| e.action.clone()).collect();
        assert_eq!(actions, ["vault.add"]);
    }
}

keyring_test! {
    fn other_parts_of_shipshape_put_and_use_secrets_by_name() {
        let dir = TestDir::new();
        let store = dir.open();
        let keychain = keychain();
        let actor = actor();
        let vault = Vault::new(&store, &keychain, &actor);
        let mut smtp = details("Alert mail");
        smtp.kind = Kind::Email;
        let first = vault.put(t0(), smtp.clone(), &secret("one")).unwrap();
        let second = vault.put(at(1), smtp, &secret("two")).unwrap();
        assert_eq!(first.id, second.id);
        assert_eq!(vault.use_secret(at(2), "Alert mail", "alerts.smtp").unwrap().expose(), "two");
        let missing = vault.use_secret(at(3), "Nope", "backup").unwrap_err();
        assert_eq!(missing.code, ErrorCode::NotFound);
        let used = all(&store).into_iter().find(|e| e.action == "vault.use").unwrap();
        assert_eq!(used.details["by"], "alerts.smtp");
    }
}

#[test]
fn without_a_session_bus_the_keychain_is_unavailable_not_a_file() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["vault::no_bus_probe", "--exact", "--nocapture"])
        .env("SHIPSHAPE_NO_BUS_PROBE", "1")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs only when re-executed above, with no reachable session bus.
#[test]
fn no_bus_probe() {
    if std::env::var_os("SHIPSHAPE_NO_BUS_PROBE").is_none() {
        return;
    }
    let e = Keychain::system().unwrap_err();
    assert_eq!(e.code, ErrorCode::KeychainUnavailable, "{e:?}");
    assert!(
        e.hint.contains("never keeps secrets in a file"),
        "{}",
        e.hint
    );
}
