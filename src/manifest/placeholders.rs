//! Placeholders in manifest values: `{triple}`, `{arch}`, `{os}`, `{name}`,
//! `{version}` and `{prefix}`, filled for one target.

use vitte_buildkit_formats::Target;

/// Values for `{triple}`, `{arch}`, `{os}`, `{name}`, `{version}`, `{prefix}`.
pub struct Placeholders<'a> {
    pub target: &'a Target,
    pub name: &'a str,
    pub version: &'a str,
}

impl Placeholders<'_> {
    pub fn apply(&self, text: &str) -> String {
        text.replace("{triple}", self.target.triple())
            .replace("{arch}", self.target.arch.as_str())
            .replace("{os}", &self.target.os.to_string())
            .replace("{name}", self.name)
            .replace("{version}", self.version)
            .replace("{prefix}", self.prefix())
    }

    /// Where programs go by the target system's custom: `/usr/local` on
    /// macOS (System Integrity Protection keeps installers out of `/usr`),
    /// `/usr` elsewhere.
    fn prefix(&self) -> &'static str {
        if self.target.os == vitte_buildkit_formats::Os::MacOs {
            "/usr/local"
        } else {
            "/usr"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_keeps_macos_out_of_usr() {
        let fill = |triple: &str| {
            let target = Target::parse(triple).unwrap();
            let vars = Placeholders {
                target: &target,
                name: "d",
                version: "1.0.0",
            };
            vars.apply("{prefix}/bin/{name}")
        };
        assert_eq!(fill("universal-macos"), "/usr/local/bin/d");
        assert_eq!(fill("x86_64-linux"), "/usr/bin/d");
        assert_eq!(fill("x86_64-windows"), "/usr/bin/d");
    }
}
