#!/bin/sh
# gapscope AWS evidence collection (written by `gapscope collect aws`, gapscope @GAPSCOPE_VERSION@).
#
# Saves the AWS configuration exports gapscope analyses, named and laid out as gapscope reads them
# best, into one zip with a SHA-256 checksum file. Send both files to your auditor.
#
# READ-ONLY. It runs only describe-*, get-* and list-* calls, `iam generate-credential-report` (which
# asks IAM to build the credential report; it changes no setting) and, with --cloudtrail-bucket,
# downloads CloudTrail log and digest files from S3. It creates, changes or deletes nothing in AWS.
#
# Permissions: the AWS managed policy SecurityAudit covers every call. With --cloudtrail-bucket, also
# s3:ListBucket and s3:GetObject on that bucket (and kms:Decrypt if its objects use SSE-KMS).
#
# Runs in AWS CloudShell or any POSIX shell with AWS CLI v2, `zip` (or python3) and `sha256sum`
# (or `shasum`). Run `sh THIS-FILE --help` for the options.

set -u
# Resource ids are split on whitespace below; nothing here relies on filename globbing.
set -f

VERSION='@GAPSCOPE_VERSION@'
NL='
'

usage() {
	cat <<'EOF'
Usage: sh gapscope-collect-aws.sh [OPTIONS]

Collects read-only AWS configuration exports into
  DIR/gapscope-aws-<account>-<UTC stamp>.zip and DIR/gapscope-aws-<account>-<UTC stamp>.zip.sha256

Options:
  -p, --profile PROFILE          AWS CLI profile to use (default: the CLI's default credentials)
  -r, --regions "R1 R2 ..."      regions to collect (default: every region enabled for the account)
  -b, --cloudtrail-bucket BUCKET also download CloudTrail logs and digests from this S3 bucket;
                                 needs --from and --to
  -f, --from YYYY-MM-DD          first UTC day of CloudTrail files to download
  -t, --to YYYY-MM-DD            last UTC day (inclusive)
      --cloudtrail-prefix PATH   the bucket's key path in front of <account>/CloudTrail/
                                 (default AWSLogs/; a trail with S3 key prefix "logs" uses
                                 logs/AWSLogs/, an organisation trail AWSLogs/<org-id>/)
  -o, --out DIR                  where to write the folder and the zip (default: current folder)
  -h, --help                     show this help

In CloudShell the home folder holds 1 GB: for a long CloudTrail range, use --out /tmp and download
the zip from there (Actions > Download file).

Every command's output is saved unchanged (--output json). A command that fails leaves its error
text in a file of the same name ending .error.txt, and the collection goes on: some of these errors
are evidence (no bucket policy, no password policy, no default encryption).
EOF
}

say() {
	printf '%s\n' "$*" >&2
}

die() {
	say "gapscope-collect-aws: error: $*"
	exit 2
}

PROFILE=''
REGIONS=''
TRAIL_BUCKET=''
TRAIL_PREFIX='AWSLogs/'
FROM=''
TO=''
OUT_DIR='.'

need_value() {
	if [ "$#" -lt 2 ] || [ -z "$2" ]; then
		die "option $1 needs a value"
	fi
}

while [ "$#" -gt 0 ]; do
	case $1 in
	-p | --profile) need_value "$@"; PROFILE=$2; shift 2 ;;
	--profile=*) PROFILE=${1#*=}; shift ;;
	-r | --regions) need_value "$@"; REGIONS=$2; shift 2 ;;
	--regions=*) REGIONS=${1#*=}; shift ;;
	-b | --cloudtrail-bucket) need_value "$@"; TRAIL_BUCKET=$2; shift 2 ;;
	--cloudtrail-bucket=*) TRAIL_BUCKET=${1#*=}; shift ;;
	--cloudtrail-prefix) need_value "$@"; TRAIL_PREFIX=$2; shift 2 ;;
	--cloudtrail-prefix=*) TRAIL_PREFIX=${1#*=}; shift ;;
	-f | --from) need_value "$@"; FROM=$2; shift 2 ;;
	--from=*) FROM=${1#*=}; shift ;;
	-t | --to) need_value "$@"; TO=$2; shift 2 ;;
	--to=*) TO=${1#*=}; shift ;;
	-o | --out) need_value "$@"; OUT_DIR=$2; shift 2 ;;
	--out=*) OUT_DIR=${1#*=}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown option: $1" ;;
	esac
done

# --- dates: plain arithmetic, because `date -d` (GNU) and `date -j` (BSD) differ -----------------

is_leap() {
	[ $(($1 % 4)) -eq 0 ] && { [ $(($1 % 100)) -ne 0 ] || [ $(($1 % 400)) -eq 0 ]; }
}

days_in_month() {
	case $2 in
	2) if is_leap "$1"; then echo 29; else echo 28; fi ;;
	4 | 6 | 9 | 11) echo 30 ;;
	*) echo 31 ;;
	esac
}

# Splits YYYY-MM-DD into DATE_Y DATE_M DATE_D (no leading zeros: shell arithmetic reads 08 as octal).
split_date() {
	case $1 in
	[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
	*) die "$2 must be a date as YYYY-MM-DD, not '$1'" ;;
	esac
	DATE_Y=${1%%-*}
	DATE_M=${1#*-}
	DATE_M=${DATE_M%-*}
	DATE_M=${DATE_M#0}
	DATE_D=${1##*-}
	DATE_D=${DATE_D#0}
	if [ "$DATE_M" -lt 1 ] || [ "$DATE_M" -gt 12 ]; then
		die "$2 $1: no such month"
	fi
	if [ "$DATE_D" -lt 1 ] || [ "$DATE_D" -gt "$(days_in_month "$DATE_Y" "$DATE_M")" ]; then
		die "$2 $1: no such day"
	fi
}

two() {
	printf '%02d' "$1"
}

# --- options checked before any AWS call -------------------------------------------------------

if [ -n "$TRAIL_BUCKET" ] || [ -n "$FROM" ] || [ -n "$TO" ]; then
	[ -n "$TRAIL_BUCKET" ] || die "--from and --to need --cloudtrail-bucket"
	if [ -z "$FROM" ] || [ -z "$TO" ]; then
		die "--cloudtrail-bucket needs --from and --to (the days to download)"
	fi
	split_date "$FROM" --from
	FROM_Y=$DATE_Y FROM_M=$DATE_M FROM_D=$DATE_D
	split_date "$TO" --to
	TO_Y=$DATE_Y TO_M=$DATE_M TO_D=$DATE_D
	[ $((FROM_Y * 10000 + FROM_M * 100 + FROM_D)) -le $((TO_Y * 10000 + TO_M * 100 + TO_D)) ] ||
		die "--from $FROM is after --to $TO"
	case $TRAIL_BUCKET in
	*[!a-z0-9.-]*) die "--cloudtrail-bucket '$TRAIL_BUCKET' is not an S3 bucket name" ;;
	esac
	case $TRAIL_PREFIX in
	*/) ;;
	*) TRAIL_PREFIX="$TRAIL_PREFIX/" ;;
	esac
fi
for region in $REGIONS; do
	case $region in
	*[!a-z0-9-]*) die "--regions: '$region' is not a region name" ;;
	esac
done

command -v aws >/dev/null 2>&1 || die "the AWS CLI (aws) is not installed or not on PATH"
mkdir -p "$OUT_DIR" || die "cannot create $OUT_DIR"

# No pager or prompt may wait for a keypress while the output goes to files.
AWS_PAGER=''
AWS_CLI_AUTO_PROMPT='off'
export AWS_PAGER AWS_CLI_AUTO_PROMPT
if [ -n "$PROFILE" ]; then
	AWS_PROFILE=$PROFILE
	export AWS_PROFILE
fi

# Global services (IAM, S3, STS) still need a region for the endpoint: the configured one, else us-east-1.
HOME_REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
if [ -z "$HOME_REGION" ]; then
	HOME_REGION=$(aws configure get region 2>/dev/null) || HOME_REGION=''
fi
[ -n "$HOME_REGION" ] || HOME_REGION='us-east-1'

STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
CLI_VERSION=$(aws --version 2>&1) || CLI_VERSION="unknown ($CLI_VERSION)"

IDENTITY=$(aws sts get-caller-identity --region "$HOME_REGION" --query '[Account, Arn]' --output text) ||
	die "aws sts get-caller-identity failed: sign in (or pass --profile) and run again"
ACCOUNT=$(printf '%s\n' "$IDENTITY" | cut -f1)
CALLER_ARN=$(printf '%s\n' "$IDENTITY" | cut -f2)
case $ACCOUNT in
[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
*) die "aws sts get-caller-identity gave no 12-digit account id ('$ACCOUNT')" ;;
esac

ROOT_NAME="gapscope-aws-$ACCOUNT-$STAMP"
BUNDLE="$OUT_DIR/$ROOT_NAME"
mkdir "$BUNDLE" || die "cannot create $BUNDLE"
mkdir -p "$BUNDLE/$ACCOUNT/global" || die "cannot create $BUNDLE/$ACCOUNT/global"
SCRATCH="$OUT_DIR/.$ROOT_NAME.ids"
trap 'rm -f "$SCRATCH" "$SCRATCH.err"' EXIT

COMMANDS=0
RUN_OK=1
FAILED=''
ABSENT=''

# Sorts an error file into the summary: settings that are simply absent are evidence, not failures.
record_error() {
	# The CLI starts its error text with a blank line.
	first_line=$(awk 'NF { print; exit }' "$2" 2>/dev/null | tr -d '\r')
	case $first_line in
	*NoSuchBucketPolicy* | *NoSuchPublicAccessBlockConfiguration* | \
		*ServerSideEncryptionConfigurationNotFoundError* | *NoSuchEntity*)
		ABSENT="$ABSENT  $1: $first_line$NL" ;;
	*) FAILED="$FAILED  $1: $first_line$NL" ;;
	esac
}

# run DIR NAME AWS-ARGS...: saves the command's JSON as BUNDLE/DIR/NAME.json; when it fails, its
# error text as BUNDLE/DIR/NAME.error.txt instead, and goes on.
run() {
	run_dir=$1
	run_name=$2
	shift 2
	COMMANDS=$((COMMANDS + 1))
	run_out="$BUNDLE/$run_dir/$run_name"
	RUN_OK=1
	if aws "$@" --output json >"$run_out.json" 2>"$run_out.error.txt"; then
		rm -f "$run_out.error.txt"
	else
		run_status=$?
		RUN_OK=0
		rm -f "$run_out.json"
		[ -s "$run_out.error.txt" ] ||
			printf 'aws %s: exit status %s, no error text\n' "$*" "$run_status" >"$run_out.error.txt"
		record_error "$run_dir/$run_name.error.txt" "$run_out.error.txt"
	fi
}

# fetch_ids AWS-ARGS... (ending with --query): sets IDS to the ids the query lists. It always follows
# the `run` of the same command, whose error, if any, is recorded already.
fetch_ids() {
	IDS=''
	if aws "$@" --output text >"$SCRATCH" 2>"$SCRATCH.err"; then
		IDS=$(cat "$SCRATCH")
	elif [ "$RUN_OK" -eq 1 ]; then
		record_error "(listing ids) aws $*" "$SCRATCH.err"
	fi
}

# Resource ids become file names: anything but these characters (a path separator, say) is refused.
safe_id() {
	case $1 in
	None | '') return 1 ;;
	*[!A-Za-z0-9._-]*)
		FAILED="$FAILED  $2: skipped '$1' (not a plain resource id)$NL"
		return 1
		;;
	esac
	return 0
}

# --- regions -----------------------------------------------------------------------------------

say "Collecting account $ACCOUNT as $CALLER_ARN"
run "$ACCOUNT" ec2-describe-regions ec2 describe-regions --all-regions --region "$HOME_REGION"
if [ -z "$REGIONS" ]; then
	fetch_ids ec2 describe-regions --all-regions --region "$HOME_REGION" \
		--filters 'Name=opt-in-status,Values=opt-in-not-required,opted-in' --query 'Regions[].RegionName'
	for region in $IDS; do
		safe_id "$region" 'ec2 describe-regions' && REGIONS="$REGIONS $region"
	done
	if [ -z "$REGIONS" ]; then
		REGIONS=$HOME_REGION
		FAILED="$FAILED  regions: enabled regions unknown, collected $HOME_REGION only (use --regions)$NL"
	fi
fi
# One line, single spaces, for the record.
one_line=''
for region in $REGIONS; do
	one_line="$one_line $region"
done
REGIONS=${one_line# }

# --- account-wide: IAM and S3 ------------------------------------------------------------------

G="$ACCOUNT/global"
say "IAM (global)"
# The report is built asynchronously: ask until it is complete, for at most about a minute.
REPORT_STATE=''
tries=0
while [ "$tries" -lt 30 ]; do
	tries=$((tries + 1))
	if REPORT_STATE=$(aws iam generate-credential-report --region "$HOME_REGION" --query State --output text \
		2>"$BUNDLE/$G/iam-generate-credential-report.error.txt"); then
		rm -f "$BUNDLE/$G/iam-generate-credential-report.error.txt"
		[ "$REPORT_STATE" = COMPLETE ] && break
		sleep 2
	else
		record_error "$G/iam-generate-credential-report.error.txt" "$BUNDLE/$G/iam-generate-credential-report.error.txt"
		break
	fi
done
[ "$REPORT_STATE" = COMPLETE ] || say "  credential report state: ${REPORT_STATE:-unknown}; fetching it anyway"
run "$G" iam-get-credential-report iam get-credential-report --region "$HOME_REGION"
run "$G" iam-get-account-password-policy iam get-account-password-policy --region "$HOME_REGION"
run "$G" iam-get-account-summary iam get-account-summary --region "$HOME_REGION"
run "$G" iam-list-virtual-mfa-devices iam list-virtual-mfa-devices --region "$HOME_REGION"
run "$G" iam-get-account-authorization-details iam get-account-authorization-details --region "$HOME_REGION"

say "S3 (global)"
run "$G" "s3control-get-public-access-block-$ACCOUNT" s3control get-public-access-block \
	--account-id "$ACCOUNT" --region "$HOME_REGION"
run "$G" s3api-list-buckets s3api list-buckets --region "$HOME_REGION"
fetch_ids s3api list-buckets --region "$HOME_REGION" --query 'Buckets[].Name'
for bucket in $IDS; do
	safe_id "$bucket" 's3api list-buckets' || continue
	run "$G" "s3api-get-public-access-block-$bucket" s3api get-public-access-block --bucket "$bucket" --region "$HOME_REGION"
	run "$G" "s3api-get-bucket-policy-status-$bucket" s3api get-bucket-policy-status --bucket "$bucket" --region "$HOME_REGION"
	run "$G" "s3api-get-bucket-policy-$bucket" s3api get-bucket-policy --bucket "$bucket" --region "$HOME_REGION"
	run "$G" "s3api-get-bucket-encryption-$bucket" s3api get-bucket-encryption --bucket "$bucket" --region "$HOME_REGION"
	run "$G" "s3api-get-bucket-acl-$bucket" s3api get-bucket-acl --bucket "$bucket" --region "$HOME_REGION"
done

# --- per region --------------------------------------------------------------------------------

for region in $REGIONS; do
	say "Region $region"
	R="$ACCOUNT/$region"
	mkdir -p "$BUNDLE/$R" || die "cannot create $BUNDLE/$R"
	run "$R" ec2-describe-security-groups ec2 describe-security-groups --region "$region"
	run "$R" ec2-describe-network-acls ec2 describe-network-acls --region "$region"
	run "$R" ec2-describe-volumes ec2 describe-volumes --region "$region"
	run "$R" ec2-get-ebs-encryption-by-default ec2 get-ebs-encryption-by-default --region "$region"
	run "$R" ec2-describe-snapshots ec2 describe-snapshots --owner-ids self --region "$region"
	fetch_ids ec2 describe-snapshots --owner-ids self --region "$region" --query 'Snapshots[].SnapshotId'
	for snapshot in $IDS; do
		safe_id "$snapshot" "$R ec2 describe-snapshots" || continue
		run "$R" "ec2-describe-snapshot-attribute-$snapshot" ec2 describe-snapshot-attribute \
			--snapshot-id "$snapshot" --attribute createVolumePermission --region "$region"
	done
	run "$R" ec2-describe-vpcs ec2 describe-vpcs --region "$region"
	run "$R" ec2-describe-flow-logs ec2 describe-flow-logs --region "$region"
	run "$R" ec2-describe-instances ec2 describe-instances --region "$region"

	run "$R" rds-describe-db-instances rds describe-db-instances --region "$region"
	run "$R" rds-describe-db-snapshots rds describe-db-snapshots --snapshot-type manual --region "$region"
	fetch_ids rds describe-db-snapshots --snapshot-type manual --region "$region" \
		--query 'DBSnapshots[].DBSnapshotIdentifier'
	for snapshot in $IDS; do
		safe_id "$snapshot" "$R rds describe-db-snapshots" || continue
		run "$R" "rds-describe-db-snapshot-attributes-$snapshot" rds describe-db-snapshot-attributes \
			--db-snapshot-identifier "$snapshot" --region "$region"
	done

	run "$R" cloudtrail-describe-trails cloudtrail describe-trails --region "$region"
	# A multi-region trail is listed in every region, but its status is asked by name only in its home region.
	fetch_ids cloudtrail describe-trails --region "$region" --query "trailList[?HomeRegion=='$region'].Name"
	for trail in $IDS; do
		safe_id "$trail" "$R cloudtrail describe-trails" || continue
		run "$R" "cloudtrail-get-trail-status-$trail" cloudtrail get-trail-status --name "$trail" --region "$region"
		run "$R" "cloudtrail-get-event-selectors-$trail" cloudtrail get-event-selectors \
			--trail-name "$trail" --region "$region"
	done

	run "$R" logs-describe-log-groups logs describe-log-groups --region "$region"
	run "$R" logs-describe-metric-filters logs describe-metric-filters --region "$region"
	run "$R" cloudwatch-describe-alarms cloudwatch describe-alarms --region "$region"

	run "$R" kms-list-keys kms list-keys --region "$region"
	fetch_ids kms list-keys --region "$region" --query 'Keys[].KeyId'
	for key in $IDS; do
		safe_id "$key" "$R kms list-keys" || continue
		run "$R" "kms-describe-key-$key" kms describe-key --key-id "$key" --region "$region"
		run "$R" "kms-get-key-rotation-status-$key" kms get-key-rotation-status --key-id "$key" --region "$region"
	done

	run "$R" configservice-describe-configuration-recorders configservice describe-configuration-recorders \
		--region "$region"
	run "$R" configservice-describe-configuration-recorder-status configservice \
		describe-configuration-recorder-status --region "$region"
done

# --- CloudTrail files for the requested days -----------------------------------------------------

# sync_month REGION KIND YEAR MONTH FIRST-DAY LAST-DAY: one listing of the month's prefix, and only
# the named days' folders downloaded.
sync_month() {
	sm_region=$1
	sm_kind=$2
	sm_month="$3/$(two "$4")"
	sm_path="$ACCOUNT/$sm_kind/$sm_region/$sm_month"
	sm_day=$5
	sm_last=$6
	# From here the positional parameters are the --include arguments.
	set --
	while [ "$sm_day" -le "$sm_last" ]; do
		set -- "$@" --include "$(two "$sm_day")/*"
		sm_day=$((sm_day + 1))
	done
	sm_error_name="$ACCOUNT/cloudtrail/s3-sync-$sm_kind-$sm_region-$(printf '%s' "$sm_month" | tr '/' '-').error.txt"
	sm_error="$BUNDLE/$sm_error_name"
	COMMANDS=$((COMMANDS + 1))
	if aws s3 sync "s3://$TRAIL_BUCKET/$TRAIL_PREFIX$sm_path/" "$BUNDLE/$ACCOUNT/cloudtrail/AWSLogs/$sm_path/" \
		--exclude '*' "$@" --only-show-errors --no-progress >/dev/null 2>"$sm_error"; then
		rm -f "$sm_error"
	else
		record_error "$sm_error_name" "$sm_error"
	fi
}

if [ -n "$TRAIL_BUCKET" ]; then
	mkdir -p "$BUNDLE/$ACCOUNT/cloudtrail" || die "cannot create $BUNDLE/$ACCOUNT/cloudtrail"
	for region in $REGIONS; do
		say "CloudTrail files $FROM..$TO, $region"
		for kind in CloudTrail CloudTrail-Digest; do
			year=$FROM_Y
			month=$FROM_M
			while [ $((year * 100 + month)) -le $((TO_Y * 100 + TO_M)) ]; do
				first=1
				last=$(days_in_month "$year" "$month")
				[ "$year" -eq "$FROM_Y" ] && [ "$month" -eq "$FROM_M" ] && first=$FROM_D
				[ "$year" -eq "$TO_Y" ] && [ "$month" -eq "$TO_M" ] && last=$TO_D
				sync_month "$region" "$kind" "$year" "$month" "$first" "$last"
				month=$((month + 1))
				if [ "$month" -gt 12 ]; then
					month=1
					year=$((year + 1))
				fi
			done
		done
	done
fi

# --- record, zip, checksum -----------------------------------------------------------------------

count_lines() {
	if [ -z "$1" ]; then echo 0; else printf '%s' "$1" | grep -c ''; fi
}
FAILED_COUNT=$(count_lines "$FAILED")
ABSENT_COUNT=$(count_lines "$ABSENT")
OPTIONS=''
[ -n "$PROFILE" ] && OPTIONS="$OPTIONS --profile $PROFILE"
[ -n "$TRAIL_BUCKET" ] && OPTIONS="$OPTIONS --cloudtrail-bucket $TRAIL_BUCKET --cloudtrail-prefix $TRAIL_PREFIX --from $FROM --to $TO"
if [ -n "$TRAIL_BUCKET" ]; then
	TRAIL_LINE="s3://$TRAIL_BUCKET/$TRAIL_PREFIX$ACCOUNT/CloudTrail(-Digest)/<region>/, $FROM to $TO (UTC days)"
else
	TRAIL_LINE='not collected (no --cloudtrail-bucket)'
fi

{
	echo "gapscope AWS evidence collection"
	echo "script: gapscope collect aws, gapscope $VERSION"
	echo "started: $STARTED"
	echo "finished: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "aws cli: $CLI_VERSION"
	echo "caller: $CALLER_ARN"
	echo "account: $ACCOUNT"
	echo "regions: $REGIONS"
	echo "options:${OPTIONS:- (none)}"
	echo "cloudtrail: $TRAIL_LINE"
	echo "commands: $COMMANDS"
	echo
	echo "failed ($FAILED_COUNT), error text in the .error.txt file named:"
	printf '%s' "$FAILED"
	echo
	echo "absent settings ($ABSENT_COUNT), reported by AWS as errors; these are evidence, not failures:"
	printf '%s' "$ABSENT"
} >"$BUNDLE/COLLECTION.txt"

ZIP_NAME="$ROOT_NAME.zip"
if command -v zip >/dev/null 2>&1; then
	(cd "$OUT_DIR" && zip -q -r "$ZIP_NAME" "$ROOT_NAME") || die "zip failed; the files are in $BUNDLE"
elif command -v python3 >/dev/null 2>&1; then
	(cd "$OUT_DIR" && python3 -m zipfile -c "$ZIP_NAME" "$ROOT_NAME") || die "zip failed; the files are in $BUNDLE"
else
	die "neither zip nor python3 is installed; zip $BUNDLE yourself"
fi

if command -v sha256sum >/dev/null 2>&1; then
	(cd "$OUT_DIR" && sha256sum "$ZIP_NAME" >"$ZIP_NAME.sha256") || die "sha256sum failed"
elif command -v shasum >/dev/null 2>&1; then
	(cd "$OUT_DIR" && shasum -a 256 "$ZIP_NAME" >"$ZIP_NAME.sha256") || die "shasum failed"
else
	die "neither sha256sum nor shasum is installed; $OUT_DIR/$ZIP_NAME has no checksum file"
fi

say ""
say "$COMMANDS commands, $FAILED_COUNT failed, $ABSENT_COUNT settings absent (see COLLECTION.txt)."
if [ "$FAILED_COUNT" -gt 0 ]; then
	say "Failed:"
	printf '%s' "$FAILED" >&2
fi
say "The folder $BUNDLE holds the same files and may be deleted."
say "Send these two files to your auditor:"
printf '%s\n' "$OUT_DIR/$ZIP_NAME" "$OUT_DIR/$ZIP_NAME.sha256"
