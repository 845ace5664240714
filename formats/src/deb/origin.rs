//! The debsigs origin signature: an ar member `_gpgorigin` after data.tar
//! holding an armored OpenPGP detached signature over the bytes of
//! `debian-binary`, `control.tar.*` and `data.tar.*`, concatenated in that
//! order — what `debsigs --sign=origin` writes and `debsig-verify` checks.
//! dpkg ignores members whose name starts with `_`.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use vitte_buildkit_signing::OpenPgpKey;

use crate::error::{Error, IoContext, Result};
use crate::model::Package;
use crate::WriteContext;

/// The member's name.
pub const MEMBER: &str = "_gpgorigin";

/// The signature to embed, or `None`: only `[deb] embed-signature = true`
/// asks for one (lintian reports the extra member as an error, so a signed
/// build does not add it unasked); `true` without a key is an error.
pub fn signature(
    package: &Package,
    ctx: &WriteContext<'_>,
    debian_binary: &[u8],
    control_tar: &mut File,
    data: &mut File,
) -> Result<Option<String>> {
    let key = match (package.formats.deb.embed_signature, ctx.openpgp_key) {
        (Some(false) | None, _) => return Ok(None),
        (Some(true), None) => {
            return Err(Error::Invalid(
                "[deb] embed-signature = true needs a signing key: pass --key PATH (or set VITTE_BUILDKIT_SECRET_KEY), or drop embed-signature".into(),
            ))
        }
        (Some(true), Some(key)) => key,
    };
    let key = OpenPgpKey::from_secret_armored(key).map_err(|e| {
        Error::Invalid(format!(
            "the OpenPGP key for the .deb origin signature cannot be used: {e}"
        ))
    })?;
    let context = || "cannot read the spooled control.tar and data.tar to sign them".to_string();
    control_tar.seek(SeekFrom::Start(0)).context_with(context)?;
    data.seek(SeekFrom::Start(0)).context_with(context)?;
    let signed = debian_binary.chain(&mut *control_tar).chain(&mut *data);
    let time = u32::try_from(ctx.source_date_epoch).unwrap_or(u32::MAX);
    let signature = key
        .sign_detached(signed, time)
        .map_err(|e| Error::Invalid(format!("cannot sign the .deb: {e}")))?;
    control_tar.seek(SeekFrom::Start(0)).context_with(context)?;
    data.seek(SeekFrom::Start(0)).context_with(context)?;
    Ok(Some(signature))
}
