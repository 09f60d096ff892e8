//! What an export's path says that its body may not: the account (a 12-digit folder or file-name part),
//! the region (`…/eu-west-1/…` or `…-eu-west-1.json`) and the resource a per-resource command was run
//! for (`s3api-get-bucket-policy-<bucket>.json`, or CloudMapper's `s3-get-bucket-policy/<bucket>`).
//! The body always wins over the path; the path only fills gaps.

/// A 12-digit AWS account id.
pub(crate) fn is_account(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// `eu-west-1`, `us-gov-west-1`, `ap-southeast-2`: two lowercase letters, words, a final number.
pub(crate) fn looks_like_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts.first().is_some_and(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[1..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts.last().is_some_and(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The nearest 12-digit folder above the file, or a 12-digit part of the file name
/// (`s3control-get-public-access-block-111122223333.json`).
pub(crate) fn account_in_path(path: &str) -> Option<String> {
    let mut parts = path.rsplit(['/', '\\', '!']);
    let file = parts.next().unwrap_or_default();
    parts.find(|p| is_account(p)).or_else(|| file.split(['-', '_', '.']).find(|p| is_account(p))).map(str::to_string)
}

/// The nearest region-named folder above the file, else a region spelled inside the file name.
pub(crate) fn region_in_path(path: &str) -> Option<String> {
    let mut parts = path.rsplit(['/', '\\', '!']);
    let file = parts.next().unwrap_or_default();
    if let Some(folder) = parts.find(|p| looks_like_region(p)) {
        return Some(folder.to_string());
    }
    // Regions hold dashes, so the file name is tried at each word start for 3 or 4 dash-joined words.
    let words: Vec<&str> = file.split(['-', '_', '.']).collect();
    (0..words.len()).find_map(|start| {
        [4, 3].into_iter().find_map(|len| {
            let candidate = words.get(start..start + len)?.join("-");
            looks_like_region(&candidate).then_some(candidate)
        })
    })
}

/// The resource (trail, bucket, key, snapshot) an export names in its path when its body does not: the
/// text after the command in the file name (`us-east-1/get-trail-status-main-trail.json` → `main-trail`),
/// or the whole file name under a folder named after the command (CloudMapper writes
/// `cloudtrail-get-trail-status/<URL-encoded ARN>`). `stems` are the command's spellings, lowercase.
/// A bare number after the command is a recorder's sequence (`cloudtrail.GetTrailStatus_1.json`), not a name.
pub(crate) fn name_from_path(path: &str, stems: &[&str]) -> Option<String> {
    let mut parts = path.rsplit(['/', '\\', '!']);
    let mut file = parts.next()?;
    let folder = parts.next().unwrap_or_default().to_ascii_lowercase();
    // `.error.txt` is how a collection script keeps a failed command's message under the same name.
    for extension in [".gz", ".txt", ".json", ".error"] {
        if file.len() >= extension.len() && file.is_char_boundary(file.len() - extension.len()) {
            let (stem, tail) = file.split_at(file.len() - extension.len());
            if tail.eq_ignore_ascii_case(extension) {
                file = stem;
            }
        }
    }
    let lower = file.to_ascii_lowercase();
    let found = stems.iter().find_map(|stem| lower.find(stem).map(|at| at + stem.len()));
    let name = match found {
        // ASCII lowercasing keeps byte offsets, so `end` is a boundary in `file` too.
        Some(end) => file.get(end..)?.trim_start_matches(['-', '_', '.', ' ']),
        None if stems.iter().any(|stem| folder.contains(stem)) => file,
        None => return None,
    };
    if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(percent_decode(name))
}

/// Undoes URL encoding (`%3A` → `:`); a malformed escape is kept as written.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // Checked digit by digit: `from_str_radix` alone would take a sign (`%+1`).
        let hex = bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit));
        match hex.and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()) {
            Some(decoded) if b == b'%' => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names_come_from_the_file_name_or_the_command_folder() {
        let status = |path: &str| name_from_path(path, &["get-trail-status", "gettrailstatus"]);
        assert_eq!(status("get-trail-status-main-trail.json").as_deref(), Some("main-trail"));
        assert_eq!(status("client.zip!us-east-1/Get-Trail-Status_Main.Trail.json.gz").as_deref(), Some("Main.Trail"));
        assert_eq!(status("cloud-custodian-placebo/x/cloudtrail.GetTrailStatus_1.json"), None);
        assert_eq!(status("get-trail-status.json"), None);
        assert_eq!(status("status-main-trail.json"), None);
        assert_eq!(
            status(concat!(
                "demo/us-east-1/cloudtrail-get-trail-status/",
                "arn%3Aaws%3Acloudtrail%3Aus-east-1%3A123456789012%3Atrail%2Fcloudtrail"
            ))
            .as_deref(),
            Some("arn:aws:cloudtrail:us-east-1:123456789012:trail/cloudtrail")
        );
        let policy = |path: &str| name_from_path(path, &["get-bucket-policy"]);
        assert_eq!(policy("global/s3api-get-bucket-policy-acme.logs.json").as_deref(), Some("acme.logs"));
        assert_eq!(policy("global/s3api-get-bucket-policy-acme-logs.error.txt").as_deref(), Some("acme-logs"));
        assert_eq!(policy("demo/us-east-1/s3-get-bucket-policy/cloudmapper_demo").as_deref(), Some("cloudmapper_demo"));
        assert_eq!(percent_decode("a%zz%4%+1%41"), "a%zz%4%+1A");
    }

    #[test]
    fn account_and_region_come_from_folders_or_the_file_name() {
        let path = "b.zip!gapscope-aws/111122223333/eu-west-1/ec2-describe-volumes.json";
        assert_eq!(account_in_path(path).as_deref(), Some("111122223333"));
        assert_eq!(region_in_path(path).as_deref(), Some("eu-west-1"));
        assert_eq!(region_in_path("x/ec2-describe-volumes-us-gov-west-1.json").as_deref(), Some("us-gov-west-1"));
        assert_eq!(region_in_path("x/ec2_describe_volumes_ap-southeast-2.json").as_deref(), Some("ap-southeast-2"));
        assert_eq!(region_in_path("global/s3api-list-buckets.json"), None);
        assert_eq!(
            account_in_path("s3control-get-public-access-block-444455556666.json").as_deref(),
            Some("444455556666")
        );
        assert_eq!(account_in_path("x/1234/y.json"), None);
        assert!(
            !looks_like_region("get-bucket-policy")
                && !looks_like_region("us-east")
                && looks_like_region("eu-central-2")
        );
    }
}
