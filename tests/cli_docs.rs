//! `vitte-buildkit completions` and `vitte-buildkit man`: the completion
//! scripts are loaded by the real shells (bash completes a command through
//! the function it registers, with bash-completion loaded), and every manual
//! page renders through groff and man-db without a warning.

mod common;

use common::*;

/// What bash offers for `vitte-buildkit WORDS…` (the last word is the one
/// being completed), through the function the script registers.
fn bash_complete(words: &[&str]) -> Vec<String> {
    let script = format!(
        r#"source /usr/share/bash-completion/bash_completion
source <("$0" completions bash) || exit 3
fn=$(complete -p vitte-buildkit | sed -E 's/.* -F ([^ ]+) .*/\1/')
[ -n "$fn" ] || exit 4
COMP_WORDS=(vitte-buildkit {words})
COMP_CWORD={cword}
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
"$fn" vitte-buildkit "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        words = words.join(" "),
        cword = words.len(),
    );
    let out = run_ok(
        tool("bash")
            .arg("-c")
            .arg(script)
            .arg(env!("CARGO_BIN_EXE_vitte-buildkit")),
    );
    text(&out.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn bash_completes_commands_and_options() {
    assert_eq!(bash_complete(&["pa"]), ["package"]);
    assert_eq!(bash_complete(&["package", "--form"]), ["--format"]);
    let shells = bash_complete(&["completions", ""]);
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(shells.iter().any(|s| s == shell), "{shells:?}");
    }
}

#[test]
fn zsh_and_fish_load_their_scripts() {
    let zsh = run_ok(buildkit().args(["completions", "zsh"]));
    assert!(text(&zsh.stdout).starts_with("#compdef vitte-buildkit"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("_vitte-buildkit");
    std::fs::write(&file, &zsh.stdout).unwrap();
    run_ok(tool("zsh").arg("-n").arg(&file));
    let fish = run_ok(buildkit().args(["completions", "fish"]));
    let file = dir.path().join("vitte-buildkit.fish");
    std::fs::write(&file, &fish.stdout).unwrap();
    run_ok(tool("fish").arg("--no-execute").arg(&file));
    // fish's own completion engine, with the script loaded.
    let offered = run_ok(tool("fish").arg("-c").arg(format!(
        "source {}; complete -C 'vitte-buildkit pa'",
        file.display()
    )));
    assert!(
        text(&offered.stdout)
            .lines()
            .any(|l| l.starts_with("package")),
        "{}",
        text(&offered.stdout)
    );
    for shell in ["powershell", "elvish"] {
        let out = run_ok(buildkit().args(["completions", shell]));
        assert!(text(&out.stdout).contains("package"), "{shell}");
    }
    let bad = run(buildkit().args(["completions", "tcsh"]));
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn every_manual_page_renders_without_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    run_ok(buildkit().arg("man").arg("--out").arg(&out));
    let mut pages: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    pages.sort();
    for want in [
        "vitte-buildkit.1",
        "vitte-buildkit-package.1",
        "vitte-buildkit-completions.1",
        "vitte-buildkit-man.1",
        "vitte-buildkit-keygen.1",
    ] {
        assert!(pages.iter().any(|p| p == want), "{want}: {pages:?}");
    }
    for page in &pages {
        let path = out.join(page);
        let groff = run_ok(
            tool("groff")
                .args(["-ww", "-man", "-Tutf8", "-z"])
                .arg(&path),
        );
        assert!(groff.stderr.is_empty(), "{page}: {}", text(&groff.stderr));
        let man = run_ok(
            tool("man")
                .args(["--warnings", "-l"])
                .arg(&path)
                .env("MANWIDTH", "80")
                .env("MAN_KEEP_FORMATTING", "0"),
        );
        assert!(man.stderr.is_empty(), "{page}: {}", text(&man.stderr));
        let name = page.trim_end_matches(".1");
        assert!(text(&man.stdout).contains(name), "{page}");
    }
    let package = text(
        &run_ok(
            tool("man")
                .arg("-l")
                .arg(out.join("vitte-buildkit-package.1")),
        )
        .stdout,
    );
    assert!(package.contains("--format"), "{package}");
    // Without --out, the main page on stdout.
    let main = run_ok(buildkit().arg("man"));
    assert_eq!(
        main.stdout,
        std::fs::read(out.join("vitte-buildkit.1")).unwrap()
    );
}
