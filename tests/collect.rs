//! `gapscope collect`: the scripts it prints, how it writes them, and the AWS script run end to end
//! against a stand-in `aws` that answers with canned JSON and logs every call.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

const ACCOUNT: &str = "111122223333";
const KEY_ID: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";
const SNAPSHOT: &str = "snap-0123456789abcdef0";
const DENIED: &str = "An error occurred (AccessDeniedException) when calling the DescribeConfigurationRecorderStatus operation: not authorized";
const NO_POLICY: &str = "An error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: The bucket policy does not exist";

fn gapscope(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_gapscope")).args(args).output().expect("gapscope runs");
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn has_program(name: &str) -> bool {
    locate(name).is_some()
}

/// Writes the AWS script with `collect aws --out` into `dir` and returns its path.
fn aws_script(dir: &Path) -> PathBuf {
    let path = dir.join("gapscope-collect-aws.sh");
    let output = gapscope(&["collect", "aws", "--out", path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    path
}

#[test]
fn collect_aws_prints_a_posix_script_that_parses_in_sh_and_dash() {
    let output = gapscope(&["collect", "aws"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let script = text(&output.stdout);
    assert!(script.starts_with("#!/bin/sh\n"), "{}", &script[..script.len().min(80)]);
    assert!(script.contains(&format!("gapscope {}", env!("CARGO_PKG_VERSION"))));
    assert!(script.contains("set -u"));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("collect.sh");
    std::fs::write(&path, &script).unwrap();
    let shells: Vec<&str> = ["sh", "dash"]
        .into_iter()
        .filter(|shell| {
            let present = has_program(shell);
            if !present {
                eprintln!("{shell} is not installed: its syntax check is skipped");
            }
            present
        })
        .collect();
    assert!(shells.contains(&"sh"));
    for shell in shells {
        let check = Command::new(shell).arg("-n").arg(&path).output().unwrap();
        assert!(check.status.success(), "{shell} -n: {}", text(&check.stderr));
    }
    if has_program("shellcheck") {
        let lint = Command::new("shellcheck").args(["-s", "sh"]).arg(&path).output().unwrap();
        assert!(lint.status.success(), "shellcheck: {}", text(&lint.stdout));
    } else {
        eprintln!("shellcheck is not installed: the lint is skipped");
    }
}

#[test]
fn out_writes_an_executable_script_and_never_replaces_one_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = aws_script(dir.path());
    let printed = gapscope(&["collect", "aws"]).stdout;
    assert_eq!(std::fs::read(&path).unwrap(), printed);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o755);
    }

    std::fs::write(&path, "# the client's edits\n").unwrap();
    let again = gapscope(&["collect", "entra", "--out", path.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("--force"), "{}", text(&again.stderr));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# the client's edits\n");

    let forced = gapscope(&["collect", "entra", "--out", path.to_str().unwrap(), "--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert_eq!(std::fs::read(&path).unwrap(), gapscope(&["collect", "entra"]).stdout);

    // --force means nothing without a file, and there are only two kinds of script.
    assert_eq!(gapscope(&["collect", "aws", "--force"]).status.code(), Some(2));
    assert_eq!(gapscope(&["collect", "gcp"]).status.code(), Some(2));
}

/// A stand-in for the AWS CLI: one account, regions eu-west-1 and us-east-1 (af-south-1 not opted
/// in), buckets acme-logs (no bucket policy: the real error text, exit 254) and acme-data, the
/// multi-region trail main-trail (home eu-west-1), one KMS key and one EBS snapshot in eu-west-1;
/// AWS Config's recorder status is denied in us-east-1.
/// Every call's arguments are logged, each followed by \037, one call per line. A call it has no
/// answer for fails, so the script cannot make an unplanned call unnoticed.
const STUB: &str = r#"#!/bin/sh
{
	for arg in "$@"; do printf '%s\037' "$arg"; done
	printf '\n'
} >>"$STUB_LOG"
case " $* " in
*" --version "*) echo "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.stub" ;;
*" configure get region "*) exit 1 ;;
*" sts get-caller-identity "*) printf '111122223333\tarn:aws:iam::111122223333:user/auditor\n' ;;
*" ec2 describe-regions "*"--query"*) printf 'eu-west-1\tus-east-1\n' ;;
*" ec2 describe-regions "*)
	echo '{"Regions": [{"RegionName": "eu-west-1", "OptInStatus": "opt-in-not-required"}, {"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"}, {"RegionName": "af-south-1", "OptInStatus": "not-opted-in"}]}' ;;
*" iam generate-credential-report "*)
	if [ -e "$STUB_DIR/generated" ]; then echo COMPLETE; else : >"$STUB_DIR/generated"; echo STARTED; fi ;;
*" iam get-credential-report "*) cat "$STUB_DIR/credential-report.json" ;;
*" iam get-account-password-policy "*) echo '{"PasswordPolicy": {"MinimumPasswordLength": 14, "PasswordReusePrevention": 24}}' ;;
*" iam get-account-summary "*) echo '{"SummaryMap": {"AccountMFAEnabled": 1, "Users": 1}}' ;;
*" iam list-virtual-mfa-devices "*) echo '{"VirtualMFADevices": []}' ;;
*" iam get-account-authorization-details "*) echo '{"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}' ;;
*" s3control get-public-access-block "*"--account-id 111122223333 "*)
	echo '{"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}' ;;
*" s3api list-buckets "*"--query"*) printf 'acme-logs\tacme-data\n' ;;
*" s3api list-buckets "*)
	echo '{"Buckets": [{"Name": "acme-logs", "CreationDate": "2023-01-01T00:00:00+00:00"}, {"Name": "acme-data", "CreationDate": "2023-01-02T00:00:00+00:00"}], "Owner": {"ID": "abc"}}' ;;
*" s3api get-bucket-policy "*"--bucket acme-logs "*)
	printf '\nAn error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: The bucket policy does not exist\n' >&2
	exit 254 ;;
*" s3api get-bucket-policy "*"--bucket acme-data "*) echo '{"Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}' ;;
*" s3api get-public-access-block "*"--bucket acme-"*)
	echo '{"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}' ;;
*" s3api get-bucket-policy-status "*"--bucket acme-"*) echo '{"PolicyStatus": {"IsPublic": false}}' ;;
*" s3api get-bucket-encryption "*"--bucket acme-"*)
	echo '{"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}' ;;
*" s3api get-bucket-acl "*"--bucket acme-"*) echo '{"Owner": {"ID": "abc"}, "Grants": []}' ;;
*" ec2 describe-security-groups "*) echo '{"SecurityGroups": []}' ;;
*" ec2 describe-network-acls "*) echo '{"NetworkAcls": []}' ;;
*" ec2 describe-volumes "*) echo '{"Volumes": []}' ;;
*" ec2 get-ebs-encryption-by-default "*) echo '{"EbsEncryptionByDefault": true}' ;;
*" ec2 describe-snapshots "*"--owner-ids self "*"--region eu-west-1 "*"--query"*) printf 'snap-0123456789abcdef0\n' ;;
*" ec2 describe-snapshots "*"--owner-ids self "*"--query"*) printf '\n' ;;
*" ec2 describe-snapshots "*"--owner-ids self "*"--region eu-west-1 "*)
	echo '{"Snapshots": [{"SnapshotId": "snap-0123456789abcdef0", "Encrypted": true, "VolumeId": "vol-1"}]}' ;;
*" ec2 describe-snapshots "*"--owner-ids self "*) echo '{"Snapshots": []}' ;;
*" ec2 describe-snapshot-attribute "*"--snapshot-id snap-0123456789abcdef0 --attribute createVolumePermission --region eu-west-1 "*)
	echo '{"SnapshotId": "snap-0123456789abcdef0", "CreateVolumePermissions": []}' ;;
*" ec2 describe-vpcs "*) echo '{"Vpcs": []}' ;;
*" ec2 describe-flow-logs "*) echo '{"FlowLogs": []}' ;;
*" ec2 describe-instances "*) echo '{"Reservations": []}' ;;
*" rds describe-db-instances "*) echo '{"DBInstances": []}' ;;
*" rds describe-db-snapshots --snapshot-type manual "*"--query"*) printf '\n' ;;
*" rds describe-db-snapshots --snapshot-type manual "*) echo '{"DBSnapshots": []}' ;;
*" cloudtrail describe-trails "*"--query"*"HomeRegion=='eu-west-1'"*) printf 'main-trail\n' ;;
*" cloudtrail describe-trails "*"--query"*) printf '\n' ;;
*" cloudtrail describe-trails "*)
	echo '{"trailList": [{"Name": "main-trail", "S3BucketName": "trail-bucket", "IncludeGlobalServiceEvents": true, "IsMultiRegionTrail": true, "HomeRegion": "eu-west-1", "TrailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main-trail", "LogFileValidationEnabled": true, "HasCustomEventSelectors": false, "IsOrganizationTrail": false}]}' ;;
*" cloudtrail get-trail-status --name main-trail --region eu-west-1 "*)
	echo '{"IsLogging": true, "LatestDeliveryTime": "2024-03-01T10:00:00+00:00", "StartLoggingTime": "2023-01-01T00:00:00+00:00"}' ;;
*" cloudtrail get-event-selectors --trail-name main-trail --region eu-west-1 "*)
	echo '{"TrailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main-trail", "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": []}]}' ;;
*" logs describe-log-groups "*) echo '{"logGroups": []}' ;;
*" logs describe-metric-filters "*) echo '{"metricFilters": []}' ;;
*" cloudwatch describe-alarms "*) echo '{"MetricAlarms": [], "CompositeAlarms": []}' ;;
*" kms list-keys "*"--region eu-west-1 "*"--query"*) printf '1234abcd-12ab-34cd-56ef-1234567890ab\n' ;;
*" kms list-keys "*"--query"*) printf '\n' ;;
*" kms list-keys "*"--region eu-west-1 "*)
	echo '{"Keys": [{"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "KeyArn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}' ;;
*" kms list-keys "*) echo '{"Keys": []}' ;;
*" kms describe-key --key-id 1234abcd-12ab-34cd-56ef-1234567890ab --region eu-west-1 "*)
	echo '{"KeyMetadata": {"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT", "KeyState": "Enabled"}}' ;;
*" kms get-key-rotation-status --key-id 1234abcd-12ab-34cd-56ef-1234567890ab --region eu-west-1 "*)
	echo '{"KeyRotationEnabled": true}' ;;
*" configservice describe-configuration-recorders "*) echo '{"ConfigurationRecorders": []}' ;;
*" configservice describe-configuration-recorder-status --region us-east-1 "*)
	printf '\nAn error occurred (AccessDeniedException) when calling the DescribeConfigurationRecorderStatus operation: not authorized\n' >&2
	exit 254 ;;
*" configservice describe-configuration-recorder-status "*) echo '{"ConfigurationRecordersStatus": []}' ;;
*" s3 sync s3://"*) ;;
*)
	echo "stub aws: no canned answer for: $*" >&2
	exit 255 ;;
esac
"#;

/// A credential report for the stub's account: the root user and one IAM user.
fn credential_report_json() -> String {
    let header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,\
        password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,\
        access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,\
        access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,\
        cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
    let root = "<root_account>,arn:aws:iam::111122223333:root,2019-03-14T09:12:44+00:00,not_supported,\
        2024-02-02T09:41:07+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,\
        false,N/A,false,N/A";
    let user = "auditor,arn:aws:iam::111122223333:user/auditor,2021-02-08T10:22:13+00:00,true,\
        2024-02-29T15:12:40+00:00,2024-01-11T09:30:02+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,\
        false,N/A,false,N/A";
    let csv = format!("{header}\n{root}\n{user}");
    let content = base64::engine::general_purpose::STANDARD.encode(csv);
    serde_json::json!({"Content": content, "ReportFormat": "text/csv", "GeneratedTime": "2024-03-02T10:00:00+00:00"})
        .to_string()
}

/// One run of the AWS script against the stub: its output, the logged calls, and where it wrote.
struct StubRun {
    output: Output,
    calls: Vec<Vec<String>>,
    out_dir: PathBuf,
    _dir: tempfile::TempDir,
}

fn run_with_stub(script_args: &[&str]) -> StubRun {
    run_with_stub_and_tools(script_args, None)
}

/// Runs the script with the stub first on PATH, then `tools` alone when given, else the inherited PATH.
fn run_with_stub_and_tools(script_args: &[&str], tools: Option<&Path>) -> StubRun {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let stub = bin.join("aws");
    std::fs::write(&stub, STUB).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::write(dir.path().join("credential-report.json"), credential_report_json()).unwrap();
    let log = dir.path().join("calls.log");
    let out_dir = dir.path().join("evidence");
    let script = aws_script(dir.path());

    let rest = match tools {
        Some(tools) => vec![tools.to_path_buf()],
        None => std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect(),
    };
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(rest)).unwrap();
    let output = Command::new("sh")
        .arg(&script)
        .args(["--out", out_dir.to_str().unwrap()])
        .args(script_args)
        .env("PATH", path)
        .env("STUB_LOG", &log)
        .env("STUB_DIR", dir.path())
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap();
    let calls = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .map(|line| line.split('\u{1f}').filter(|a| !a.is_empty()).map(String::from).collect())
        .collect();
    StubRun { output, calls, out_dir, _dir: dir }
}

/// The service and operation of a logged call: its first two words that are neither an option nor
/// an option's value.
fn service_and_operation(call: &[String]) -> (String, String) {
    const FLAGS: [&str; 5] = ["--all-regions", "--version", "--only-show-errors", "--no-progress", "--recursive"];
    let mut words = Vec::new();
    let mut args = call.iter();
    while let Some(arg) = args.next() {
        if arg.starts_with("--") {
            if !FLAGS.contains(&arg.as_str()) {
                args.next();
            }
        } else {
            words.push(arg.clone());
        }
    }
    let mut words = words.into_iter();
    (words.next().unwrap_or_default(), words.next().unwrap_or_default())
}

/// Every file section A of the spec names for the stub's account and resources, under the zip's root.
fn expected_files(root: &str) -> BTreeSet<String> {
    let account = format!("{root}/{ACCOUNT}");
    let mut files = BTreeSet::from([format!("{root}/COLLECTION.txt"), format!("{account}/ec2-describe-regions.json")]);
    let global = [
        "iam-get-credential-report",
        "iam-get-account-password-policy",
        "iam-get-account-summary",
        "iam-list-virtual-mfa-devices",
        "iam-get-account-authorization-details",
        "s3api-list-buckets",
        "s3control-get-public-access-block-111122223333",
    ];
    files.extend(global.iter().map(|name| format!("{account}/global/{name}.json")));
    for bucket in ["acme-logs", "acme-data"] {
        for command in
            ["get-public-access-block", "get-bucket-policy-status", "get-bucket-encryption", "get-bucket-acl"]
        {
            files.insert(format!("{account}/global/s3api-{command}-{bucket}.json"));
        }
    }
    files.insert(format!("{account}/global/s3api-get-bucket-policy-acme-data.json"));
    files.insert(format!("{account}/global/s3api-get-bucket-policy-acme-logs.error.txt"));
    let per_region = [
        "ec2-describe-security-groups",
        "ec2-describe-network-acls",
        "ec2-describe-volumes",
        "ec2-get-ebs-encryption-by-default",
        "ec2-describe-snapshots",
        "ec2-describe-vpcs",
        "ec2-describe-flow-logs",
        "ec2-describe-instances",
        "rds-describe-db-instances",
        "rds-describe-db-snapshots",
        "cloudtrail-describe-trails",
        "logs-describe-log-groups",
        "logs-describe-metric-filters",
        "cloudwatch-describe-alarms",
        "kms-list-keys",
        "configservice-describe-configuration-recorders",
        "configservice-describe-configuration-recorder-status",
    ];
    for region in ["eu-west-1", "us-east-1"] {
        files.extend(per_region.iter().map(|name| format!("{account}/{region}/{name}.json")));
    }
    let resources = [
        format!("ec2-describe-snapshot-attribute-{SNAPSHOT}"),
        "cloudtrail-get-trail-status-main-trail".into(),
        "cloudtrail-get-event-selectors-main-trail".into(),
        format!("kms-describe-key-{KEY_ID}"),
        format!("kms-get-key-rotation-status-{KEY_ID}"),
    ];
    files.extend(resources.iter().map(|name| format!("{account}/eu-west-1/{name}.json")));
    let denied = format!("{account}/us-east-1/configservice-describe-configuration-recorder-status");
    files.remove(&format!("{denied}.json"));
    files.insert(format!("{denied}.error.txt"));
    files
}

fn zip_files(path: &Path) -> BTreeSet<String> {
    let archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    archive.file_names().map(|name| name.unwrap().into_owned()).filter(|name| !name.ends_with('/')).collect()
}

fn zip_member(path: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut member = archive.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut content = String::new();
    member.read_to_string(&mut content).unwrap();
    content
}

#[test]
fn the_aws_script_collects_the_bundle_read_only_through_a_stub_cli() {
    let run = run_with_stub(&["--cloudtrail-bucket", "trail-bucket", "--from", "2024-02-28", "--to", "2024-03-01"]);
    let stderr = text(&run.output.stderr);
    assert!(run.output.status.success(), "the script failed: {stderr}");

    // stdout: the zip, then its checksum file.
    let stdout = text(&run.output.stdout);
    let printed: Vec<&str> = stdout.lines().collect();
    assert_eq!(printed.len(), 2, "{stdout}");
    let zip_path = PathBuf::from(printed[0]);
    assert_eq!(printed[1], format!("{}.sha256", printed[0]));
    assert_eq!(zip_path.parent(), Some(run.out_dir.as_path()));
    let zip_name = zip_path.file_name().unwrap().to_str().unwrap().to_string();
    let root = zip_name.strip_suffix(".zip").unwrap().to_string();
    let stamp = root.strip_prefix(&format!("gapscope-aws-{ACCOUNT}-")).unwrap_or_else(|| panic!("{root}"));
    assert_eq!(stamp.len(), 16, "{stamp}");
    assert!(stamp.char_indices().all(|(i, c)| match i {
        8 => c == 'T',
        15 => c == 'Z',
        _ => c.is_ascii_digit(),
    }));

    // The checksum file is in sha256sum's format and matches.
    let zip_bytes = std::fs::read(&zip_path).unwrap();
    let checksum = std::fs::read_to_string(printed[1]).unwrap();
    assert_eq!(checksum, format!("{}  {zip_name}\n", hex::encode(Sha256::digest(&zip_bytes))));

    // Exactly the files of the spec's layout.
    let found = zip_files(&zip_path);
    let expected = expected_files(&root);
    assert_eq!(
        found,
        expected,
        "\nnot expected: {:?}\nmissing: {:?}",
        found.difference(&expected).collect::<Vec<_>>(),
        expected.difference(&found).collect::<Vec<_>>()
    );
    let error = zip_member(&zip_path, &format!("{root}/{ACCOUNT}/global/s3api-get-bucket-policy-acme-logs.error.txt"));
    assert_eq!(error.trim(), NO_POLICY);
    // Outputs are the CLI's JSON, unchanged.
    let buckets: Value =
        serde_json::from_str(&zip_member(&zip_path, &format!("{root}/{ACCOUNT}/global/s3api-list-buckets.json")))
            .unwrap();
    assert_eq!(buckets["Buckets"][1]["Name"], "acme-data");
    let record = zip_member(&zip_path, &format!("{root}/COLLECTION.txt"));
    for line in [
        "caller: arn:aws:iam::111122223333:user/auditor",
        "account: 111122223333",
        "regions: eu-west-1 us-east-1",
        "aws cli: aws-cli/2.15.30",
        "--from 2024-02-28 --to 2024-03-01",
        "failed (1)",
        DENIED,
        "absent settings (1)",
        NO_POLICY,
    ] {
        assert!(record.contains(line), "COLLECTION.txt lacks {line:?}:\n{record}");
    }
    // A denied call is a failure to fix; an absent bucket policy is evidence.
    let (failed, absent) = record.split_once("absent settings").unwrap();
    assert!(failed.contains(DENIED) && !failed.contains(NO_POLICY), "{record}");
    assert!(absent.contains(NO_POLICY) && !absent.contains(DENIED), "{record}");
    let denied = format!("{root}/{ACCOUNT}/us-east-1/configservice-describe-configuration-recorder-status.error.txt");
    assert_eq!(zip_member(&zip_path, &denied).trim(), DENIED);
    assert!(stderr.contains("1 failed") && stderr.contains(DENIED), "{stderr}");

    // Read-only: every call describes, gets, lists, builds the credential report or downloads.
    for call in &run.calls {
        let (service, operation) = service_and_operation(call);
        let allowed = ["describe-", "get-", "list-"].iter().any(|p| operation.starts_with(p))
            || (service.as_str(), operation.as_str()) == ("iam", "generate-credential-report")
            || service == "s3" && ["sync", "cp"].contains(&operation.as_str())
            || (service.as_str(), operation.as_str()) == ("configure", "get")
            || call == &["--version"];
        assert!(allowed, "not a read-only call: aws {}", call.join(" "));
        assert!(!operation.is_empty() || call == &["--version"], "{call:?}");
    }
    let count = |service: &str, operation: &str| {
        run.calls.iter().filter(|c| service_and_operation(c) == (service.into(), operation.into())).count()
    };
    // The stub answers STARTED first: the script asked again instead of fetching a report not built.
    assert_eq!(count("iam", "generate-credential-report"), 2);
    // Only enabled regions are collected by default.
    assert!(run.calls.iter().any(|c| c.iter().any(|a| a == "Name=opt-in-status,Values=opt-in-not-required,opted-in")));
    // A multi-region trail's status is asked in its home region only.
    assert_eq!(count("cloudtrail", "get-trail-status"), 1);

    // CloudTrail: one listing per month, region and kind, downloading only the requested days.
    let mut days = BTreeSet::new();
    for call in run.calls.iter().filter(|c| c.first().map(String::as_str) == Some("s3")) {
        assert_eq!(call[1], "sync", "{call:?}");
        let source = call[2].strip_prefix(&format!("s3://trail-bucket/AWSLogs/{ACCOUNT}/")).unwrap();
        let parts: Vec<&str> = source.trim_end_matches('/').split('/').collect();
        let [kind, region, year, month] = parts[..] else { panic!("not a month prefix: {}", call[2]) };
        assert!(call[3].ends_with(&format!("{ACCOUNT}/cloudtrail/AWSLogs/{ACCOUNT}/{source}")), "{}", call[3]);
        let exclude = call.iter().position(|a| a == "--exclude").unwrap();
        assert_eq!(call[exclude + 1], "*");
        for (i, _) in call.iter().enumerate().filter(|(_, a)| *a == "--include") {
            assert!(i > exclude, "an include before the exclude lets everything through: {call:?}");
            let day = call[i + 1].strip_suffix("/*").unwrap();
            assert!(day.len() == 2 && day.chars().all(|c| c.is_ascii_digit()), "{}", call[i + 1]);
            days.insert(format!("{kind} {region} {year}-{month}-{day}"));
        }
    }
    let mut expected_days = BTreeSet::new();
    for kind in ["CloudTrail", "CloudTrail-Digest"] {
        for region in ["eu-west-1", "us-east-1"] {
            // 2024 is a leap year.
            for day in ["2024-02-28", "2024-02-29", "2024-03-01"] {
                expected_days.insert(format!("{kind} {region} {day}"));
            }
        }
    }
    assert_eq!(days, expected_days);
    assert_eq!(count("s3", "sync"), 8, "two months × two regions × logs and digests");

    // gapscope reads the zip: the credential report and the trail configuration are recognised.
    let inventory = gapscope(&["--quiet", "inventory", "--json", zip_path.to_str().unwrap()]);
    assert!(inventory.status.success(), "{}", text(&inventory.stderr));
    let inventory: Value = serde_json::from_slice(&inventory.stdout).unwrap();
    let kind_of = |suffix: &str| -> String {
        let artifacts = inventory["artifacts"].as_array().unwrap();
        let artifact = artifacts
            .iter()
            .find(|a| a["path"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} not recognised: {inventory:#}"));
        artifact["kind"].as_str().unwrap().to_string()
    };
    assert_eq!(kind_of("/global/iam-get-credential-report.json"), "aws.iam.credential_report (json)");
    assert_eq!(kind_of("/ec2-describe-regions.json"), "aws.ec2.describe_regions");
    assert_eq!(kind_of("/eu-west-1/cloudtrail-describe-trails.json"), "aws.cloudtrail.describe_trails");
    assert_eq!(kind_of("/us-east-1/cloudtrail-describe-trails.json"), "aws.cloudtrail.describe_trails");
    assert_eq!(kind_of("/cloudtrail-get-trail-status-main-trail.json"), "aws.cloudtrail.get_trail_status");
    assert_eq!(kind_of("/cloudtrail-get-event-selectors-main-trail.json"), "aws.cloudtrail.get_event_selectors");
    // Every configuration export the script wrote is read as what its command says.
    for (file, kind) in [
        ("/global/iam-get-account-password-policy.json", "aws.iam.get_account_password_policy"),
        ("/global/iam-get-account-summary.json", "aws.iam.get_account_summary"),
        ("/global/iam-list-virtual-mfa-devices.json", "aws.iam.list_virtual_mfa_devices"),
        ("/global/iam-get-account-authorization-details.json", "aws.iam.get_account_authorization_details"),
        ("/global/s3api-list-buckets.json", "aws.s3.list_buckets"),
        (&format!("/global/s3control-get-public-access-block-{ACCOUNT}.json"), "aws.s3.get_public_access_block"),
        ("/eu-west-1/ec2-describe-security-groups.json", "aws.ec2.describe_security_groups"),
        ("/eu-west-1/ec2-describe-network-acls.json", "aws.ec2.describe_network_acls"),
        ("/eu-west-1/ec2-describe-volumes.json", "aws.ec2.describe_volumes"),
        ("/eu-west-1/ec2-get-ebs-encryption-by-default.json", "aws.ec2.get_ebs_encryption_by_default"),
        ("/eu-west-1/ec2-describe-vpcs.json", "aws.ec2.describe_vpcs"),
        ("/eu-west-1/ec2-describe-flow-logs.json", "aws.ec2.describe_flow_logs"),
        ("/eu-west-1/ec2-describe-instances.json", "aws.ec2.describe_instances"),
        ("/eu-west-1/rds-describe-db-instances.json", "aws.rds.describe_db_instances"),
        ("/eu-west-1/logs-describe-log-groups.json", "aws.logs.describe_log_groups"),
        ("/eu-west-1/logs-describe-metric-filters.json", "aws.logs.describe_metric_filters"),
        ("/eu-west-1/cloudwatch-describe-alarms.json", "aws.cloudwatch.describe_alarms"),
        ("/eu-west-1/kms-list-keys.json", "aws.kms.list_keys"),
        (
            "/eu-west-1/configservice-describe-configuration-recorder-status.json",
            "aws.config.describe_configuration_recorder_status",
        ),
    ] {
        assert_eq!(kind_of(file), kind, "{file}");
    }
    let report = inventory["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "aws.iam.credential_report (json)")
        .unwrap();
    assert_eq!(report["account"], ACCOUNT);
    assert_eq!(report["records"], 2);
}

/// Where `program` is on this machine's PATH.
fn locate(program: &str) -> Option<PathBuf> {
    let output = Command::new("sh").args(["-c", &format!("command -v {program}")]).output().ok()?;
    let path = PathBuf::from(text(&output.stdout).trim());
    (output.status.success() && path.is_absolute()).then_some(path)
}

#[cfg(unix)]
#[test]
fn without_zip_the_aws_script_needs_only_python_and_basic_tools() {
    // The interpreter itself, not a version manager's shim that needs more of PATH.
    let python = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(text(&o.stdout).trim()));
    let Some(python) = python else {
        eprintln!("python3 is not installed: the zip fallback is not tested");
        return;
    };
    let tools = tempfile::tempdir().unwrap();
    // Everything the script and the stub run that is not a shell builtin.
    for program in ["sh", "awk", "cat", "cut", "date", "grep", "mkdir", "rm", "sleep", "tr", "sha256sum"] {
        let found = locate(program).unwrap_or_else(|| panic!("{program} is not installed"));
        std::os::unix::fs::symlink(found, tools.path().join(program)).unwrap();
    }
    std::os::unix::fs::symlink(python, tools.path().join("python3")).unwrap();

    let run = run_with_stub_and_tools(&[], Some(tools.path()));
    let stderr = text(&run.output.stderr);
    assert!(run.output.status.success(), "{stderr}");
    let stdout = text(&run.output.stdout);
    let zip_path = PathBuf::from(stdout.lines().next().unwrap());
    let zip_name = zip_path.file_name().unwrap().to_str().unwrap().to_string();
    let root = zip_name.strip_suffix(".zip").unwrap();
    assert_eq!(zip_files(&zip_path), expected_files(root));
    let checksum = std::fs::read_to_string(run.out_dir.join(format!("{zip_name}.sha256"))).unwrap();
    assert_eq!(checksum, format!("{}  {zip_name}\n", hex::encode(Sha256::digest(std::fs::read(&zip_path).unwrap()))));
    // Without --cloudtrail-bucket nothing is downloaded.
    assert!(!run.calls.iter().any(|c| c.first().map(String::as_str) == Some("s3")), "{:?}", run.calls);
    assert!(zip_member(&zip_path, &format!("{root}/COLLECTION.txt")).contains("cloudtrail: not collected"));
}

#[test]
fn the_aws_script_refuses_bad_options_before_calling_aws() {
    for (args, message) in [
        (&["--from", "2023-02-28", "--to", "2023-03-01"][..], "need --cloudtrail-bucket"),
        (&["--cloudtrail-bucket", "b"][..], "needs --from and --to"),
        (&["--cloudtrail-bucket", "b", "--from", "2023-02-29", "--to", "2023-03-01"][..], "no such day"),
        (&["--cloudtrail-bucket", "b", "--from", "2024-13-01", "--to", "2024-12-01"][..], "no such month"),
        (&["--cloudtrail-bucket", "b", "--from", "2024-03-02", "--to", "2024-03-01"][..], "is after"),
        (&["--cloudtrail-bucket", "b", "--from", "1 March", "--to", "2024-03-01"][..], "YYYY-MM-DD"),
        (&["--cloudtrail-bucket", "B/../x", "--from", "2024-03-01", "--to", "2024-03-01"][..], "not an S3 bucket"),
        (&["--regions", "eu-west-1 ../x"][..], "not a region"),
        (&["--profile"][..], "needs a value"),
        (&["--bogus"][..], "unknown option"),
    ] {
        let run = run_with_stub(args);
        let stderr = text(&run.output.stderr);
        assert_eq!(run.output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(run.calls.is_empty(), "{args:?} called aws: {:?}", run.calls);
    }
    let help = run_with_stub(&["--help"]);
    assert!(help.output.status.success());
    assert!(text(&help.output.stdout).contains("--cloudtrail-bucket"));
}

#[test]
fn the_entra_script_exports_every_endpoint_read_only() {
    let output = gapscope(&["collect", "entra"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let script = text(&output.stdout);

    for endpoint in [
        "/v1.0/users?$select=id,userPrincipalName,displayName,userType,accountEnabled,createdDateTime,signInActivity",
        "/v1.0/reports/authenticationMethods/userRegistrationDetails",
        "/v1.0/identity/conditionalAccess/policies",
        "/v1.0/applications",
        "/v1.0/servicePrincipals",
        "/v1.0/directoryRoles?$expand=members",
        "/v1.0/auditLogs/signIns?$filter=",
        "/beta/auditLogs/signIns?$filter=",
        "signInEventTypes/any(t: t eq 'nonInteractiveUser')",
        "createdDateTime ge $since",
        "@odata.nextLink",
    ] {
        assert!(script.contains(endpoint), "entra.ps1 lacks {endpoint}");
    }
    for name in [
        "entra-users",
        "entra-user-registration-details",
        "entra-conditional-access-policies",
        "entra-applications",
        "entra-service-principals",
        "entra-directory-roles",
        "entra-signins-interactive",
        "entra-signins-noninteractive",
    ] {
        assert!(script.contains(&format!("-Name '{name}'")), "entra.ps1 does not write {name}.json");
    }
    assert!(script.contains(r#""$Name.json""#) && script.contains(r#""$ErrorName.error.txt""#));
    assert!(script.contains("[ValidateRange(1, 30)]") && script.contains("[int]$Days = 30"));
    for part in ["Compress-Archive", "Get-FileHash -Algorithm SHA256", "ToLowerInvariant()", r#""$hash  $zipName`n""#] {
        assert!(script.contains(part), "entra.ps1 lacks {part}");
    }

    // Read-only: the scopes asked for are exactly the five read scopes, and every request is a GET.
    assert!(script.contains("Connect-MgGraph @connect") && script.contains("$connect = @{ Scopes = $Scopes }"));
    let scopes_block = script.split("$Scopes = @(").nth(1).and_then(|rest| rest.split(')').next()).unwrap();
    let scopes: BTreeSet<&str> = scopes_block.split_whitespace().map(|s| s.trim_matches('\'')).collect();
    let read_scopes = BTreeSet::from([
        "AuditLog.Read.All",
        "Directory.Read.All",
        "Policy.Read.All",
        "UserAuthenticationMethod.Read.All",
        "Reports.Read.All",
    ]);
    assert_eq!(scopes, read_scopes);
    assert!(!script.to_ascii_lowercase().contains("readwrite"));
    let methods: Vec<&str> =
        script.split("-Method ").skip(1).map(|rest| rest.split_whitespace().next().unwrap()).collect();
    assert!(!methods.is_empty());
    assert!(methods.iter().all(|m| *m == "GET"), "{methods:?}");
}

/// What the Entra script writes for a list, built as its Export-GraphList does: the first page's
/// context, then every record's raw JSON.
fn graph_export(context: &str, records: &[&str]) -> String {
    format!("{{\"@odata.context\":\"{context}\",\"value\":[{}]}}\n", records.join(","))
}

#[test]
fn the_entra_scripts_output_shape_is_recognised_even_when_empty() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = "https://graph.microsoft.com/v1.0/$metadata#";
    let beta = "https://graph.microsoft.com/beta/$metadata#";
    let files = [
        (
            "entra-users.json",
            graph_export(
                &format!(
                    "{v1}users(id,userPrincipalName,displayName,userType,accountEnabled,createdDateTime,signInActivity)"
                ),
                &[
                    r#"{"id":"1","userPrincipalName":"a@x.com","userType":"Member","accountEnabled":true,"createdDateTime":"2024-01-01T00:00:00Z"}"#,
                ],
            ),
        ),
        (
            "entra-conditional-access-policies.json",
            graph_export(&format!("{v1}identity/conditionalAccess/policies"), &[]),
        ),
        (
            "entra-directory-roles.json",
            graph_export(
                &format!("{v1}directoryRoles(members())"),
                &[
                    r#"{"id":"r1","displayName":"Global Administrator","roleTemplateId":"62e90394-69f5-4237-9190-012177145e10","members":[]}"#,
                ],
            ),
        ),
        (
            "entra-signins-interactive.json",
            graph_export(
                &format!("{v1}auditLogs/signIns"),
                &[
                    r#"{"id":"s1","createdDateTime":"2024-03-01T10:00:00Z","userPrincipalName":"a@x.com","appDisplayName":"Office","clientAppUsed":"Browser","status":{"errorCode":0}}"#,
                ],
            ),
        ),
        ("entra-signins-noninteractive.json", graph_export(&format!("{beta}auditLogs/signIns"), &[])),
    ];
    for (name, content) in &files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    let inventory = gapscope(&["--quiet", "inventory", "--json", dir.path().to_str().unwrap()]);
    assert!(inventory.status.success(), "{}", text(&inventory.stderr));
    let inventory: Value = serde_json::from_slice(&inventory.stdout).unwrap();
    let listed: Vec<&Value> = inventory["artifacts"].as_array().unwrap().iter().collect();
    let kind_of = |name: &str| {
        listed.iter().find(|a| a["path"].as_str().unwrap().ends_with(name)).map(|a| a["kind"].as_str().unwrap())
    };
    assert_eq!(kind_of("entra-users.json"), Some("entra.users (json)"), "{inventory:#}");
    assert_eq!(kind_of("entra-conditional-access-policies.json"), Some("entra.ca_policies"), "{inventory:#}");
    assert_eq!(kind_of("entra-directory-roles.json"), Some("entra.roles"), "{inventory:#}");
    assert_eq!(kind_of("entra-signins-interactive.json"), Some("entra.signins (json)"), "{inventory:#}");
    // An empty sign-in page is known for what it is (it holds nothing to use), not left unrecognised.
    let unused = inventory["unused"].as_array().unwrap();
    let empty = unused
        .iter()
        .find(|u| u["file"].as_str().unwrap().ends_with("entra-signins-noninteractive.json"))
        .unwrap_or_else(|| panic!("{inventory:#}"));
    assert!(!empty["reason"].as_str().unwrap().contains("unrecognised"), "{empty}");
}
