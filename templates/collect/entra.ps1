#Requires -Version 7.0
<#
.SYNOPSIS
    gapscope Entra ID evidence collection (written by `gapscope collect entra`, gapscope @GAPSCOPE_VERSION@).

.DESCRIPTION
    Exports the Microsoft Graph data gapscope analyses (users, MFA registration, Conditional Access,
    applications, service principals, directory roles, interactive and non-interactive sign-ins) into
    one zip with a SHA-256 checksum file. Send both files to your auditor.

    READ-ONLY. It sends only GET requests, and the delegated permissions it asks for all end in
    .Read.All: it creates, changes or deletes nothing in the tenant.

    Needs PowerShell 7 and the Microsoft.Graph.Authentication module
    (Install-Module Microsoft.Graph.Authentication -Scope CurrentUser). Sign in as a user who may read
    the directory, reports and sign-in logs (Global Reader plus Reports Reader, for example); an
    administrator must consent to the permissions once. Sign-in logs and users' signInActivity need
    Entra ID P1 or P2.

    Each export is one JSON document shaped like a Graph page, {"@odata.context": ..., "value": [...]},
    holding every record of every page (@odata.nextLink followed to the end), each record exactly as
    Graph sent it. An export that fails leaves its error text in a file of the same name ending
    .error.txt, and the collection goes on.

.PARAMETER OutDir
    Where to write the folder and the zip (default: the current folder).

.PARAMETER Days
    Days of sign-in logs to export, counted back from now (1 to 30, default 30: Entra keeps 30).

.PARAMETER TenantId
    The tenant to sign in to (default: the signed-in account's home tenant).

.PARAMETER UseDeviceCode
    Sign in with a device code (for shells without a browser, such as Azure Cloud Shell).

.EXAMPLE
    pwsh ./gapscope-collect-entra.ps1 -OutDir ./evidence -Days 30
#>
[CmdletBinding()]
param(
    [string]$OutDir = '.',
    [ValidateRange(1, 30)]
    [int]$Days = 30,
    [string]$TenantId,
    [switch]$UseDeviceCode
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$Version = '@GAPSCOPE_VERSION@'
$Invariant = [System.Globalization.CultureInfo]::InvariantCulture
$Scopes = @(
    'AuditLog.Read.All'
    'Directory.Read.All'
    'Policy.Read.All'
    'UserAuthenticationMethod.Read.All'
    'Reports.Read.All'
)

try {
    Import-Module Microsoft.Graph.Authentication
}
catch {
    throw "Microsoft.Graph.Authentication is not installed: run 'Install-Module Microsoft.Graph.Authentication -Scope CurrentUser' and try again ($($_.Exception.Message))"
}
# Pages are copied record by record as raw JSON text: PowerShell's own JSON conversion would turn
# timestamps into local DateTime values and write them back altered.
Add-Type -AssemblyName System.Text.Json

$connect = @{ Scopes = $Scopes }
if ($TenantId) { $connect.TenantId = $TenantId }
if ($UseDeviceCode) { $connect.UseDeviceCode = $true }
Connect-MgGraph @connect
$context = Get-MgContext
if (-not $context) { throw 'Connect-MgGraph did not sign in; run the script again.' }
$tenant = $context.TenantId
$granted = @($context.Scopes)
$missing = @($Scopes | Where-Object { $granted -notcontains $_ })
if ($missing.Count -gt 0) {
    Write-Warning "Not granted: $($missing -join ', '). Exports that need them will fail; ask an administrator to consent."
}

$started = [DateTime]::UtcNow
$stamp = $started.ToString("yyyyMMdd'T'HHmmss'Z'", $Invariant)
$since = $started.AddDays(-$Days).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", $Invariant)
$rootName = "gapscope-entra-$tenant-$stamp"
$null = New-Item -ItemType Directory -Force -Path $OutDir
$OutDir = (Resolve-Path -LiteralPath $OutDir).Path
$bundle = Join-Path $OutDir $rootName
$null = New-Item -ItemType Directory -Path $bundle

# Absolute addresses on the signed-in cloud's Graph host: a relative "/v1.0/..." reads as a file path
# on Linux and macOS.
$graph = 'https://graph.microsoft.com'
try {
    $environment = Get-MgEnvironment -Name $context.Environment
    if ($environment -and $environment.GraphEndpoint) { $graph = $environment.GraphEndpoint.TrimEnd('/') }
}
catch {
    Write-Warning "Graph host of environment '$($context.Environment)' unknown; using $graph"
}

$failed = [System.Collections.Generic.List[string]]::new()
$counts = [System.Collections.Generic.List[string]]::new()

# Writes every record of a Graph list, all pages, to <Name>.json; on any error, the error text to
# <ErrorName>.error.txt instead. Returns the number of records, or $null when the export failed.
function Export-GraphList {
    param(
        [Parameter(Mandatory)][string]$Name,
        [Parameter(Mandatory)][string]$Uri,
        [string]$ErrorName = $Name
    )
    Write-Host "  $Name"
    $target = Join-Path $bundle "$Name.json"
    $writer = [System.IO.StreamWriter]::new($target, $false, [System.Text.UTF8Encoding]::new($false))
    $count = 0
    try {
        $next = $Uri
        $firstPage = $true
        while ($next) {
            $current = $next
            $json = Invoke-MgGraphRequest -Method GET -Uri $current -OutputType Json
            $page = [System.Text.Json.JsonDocument]::Parse($json)
            try {
                $next = $null
                $pageContext = $null
                $records = $null
                foreach ($property in $page.RootElement.EnumerateObject()) {
                    if ($property.Name -ceq '@odata.context') { $pageContext = $property.Value.GetRawText() }
                    elseif ($property.Name -ceq '@odata.nextLink') { $next = $property.Value.GetString() }
                    elseif ($property.Name -ceq 'value') { $records = $property.Value }
                }
                if ($null -eq $records -or $records.ValueKind -ne [System.Text.Json.JsonValueKind]::Array) {
                    throw "Graph answered $current without a value list"
                }
                if ($firstPage) {
                    # The context names the list, so gapscope recognises even an empty one.
                    $writer.Write('{')
                    if ($pageContext) { $writer.Write('"@odata.context":' + $pageContext + ',') }
                    $writer.Write('"value":[')
                    $firstPage = $false
                }
                foreach ($record in $records.EnumerateArray()) {
                    if ($count -gt 0) { $writer.Write(',') }
                    $writer.Write($record.GetRawText())
                    $count++
                }
            }
            finally {
                $page.Dispose()
            }
        }
        $writer.Write("]}`n")
        $writer.Close()
        Write-Host "    $count records"
        $counts.Add("  $Name.json: $count records")
        return $count
    }
    catch {
        $writer.Dispose()
        Remove-Item -LiteralPath $target -Force -ErrorAction SilentlyContinue
        $text = @("GET $Uri", $_.Exception.Message)
        if ($_.ErrorDetails -and $_.ErrorDetails.Message) { $text += $_.ErrorDetails.Message }
        $errorFile = Join-Path $bundle "$ErrorName.error.txt"
        [System.IO.File]::WriteAllText($errorFile, ($text -join "`n") + "`n")
        Write-Warning "$Name failed: $($_.Exception.Message)"
        $failed.Add("  $ErrorName.error.txt: $($_.Exception.Message)")
        return $null
    }
}

Write-Host "Collecting tenant $tenant as $($context.Account)"

$usersUri = $graph + '/v1.0/users?$select=id,userPrincipalName,displayName,userType,accountEnabled,createdDateTime,signInActivity'
$users = Export-GraphList -Name 'entra-users' -ErrorName 'entra-users-signinactivity' -Uri $usersUri
if ($null -eq $users) {
    # signInActivity needs Entra ID P1: without it Graph refuses the whole list, so take it without.
    $null = Export-GraphList -Name 'entra-users' -Uri ($usersUri -replace ',signInActivity$', '')
}
$null = Export-GraphList -Name 'entra-user-registration-details' `
    -Uri ($graph + '/v1.0/reports/authenticationMethods/userRegistrationDetails')
$null = Export-GraphList -Name 'entra-conditional-access-policies' -Uri ($graph + '/v1.0/identity/conditionalAccess/policies')
$null = Export-GraphList -Name 'entra-applications' -Uri ($graph + '/v1.0/applications')
$null = Export-GraphList -Name 'entra-service-principals' -Uri ($graph + '/v1.0/servicePrincipals')
$null = Export-GraphList -Name 'entra-directory-roles' -Uri ($graph + '/v1.0/directoryRoles?$expand=members')

$interactive = "createdDateTime ge $since"
$null = Export-GraphList -Name 'entra-signins-interactive' `
    -Uri ($graph + '/v1.0/auditLogs/signIns?$filter=' + [uri]::EscapeDataString($interactive))
# Only the beta endpoint lists non-interactive sign-ins.
$nonInteractive = "createdDateTime ge $since and signInEventTypes/any(t: t eq 'nonInteractiveUser')"
$null = Export-GraphList -Name 'entra-signins-noninteractive' `
    -Uri ($graph + '/beta/auditLogs/signIns?$filter=' + [uri]::EscapeDataString($nonInteractive))

$module = Get-Module Microsoft.Graph.Authentication | Select-Object -First 1
$lines = @(
    'gapscope Entra ID evidence collection'
    "script: gapscope collect entra, gapscope $Version"
    "started: $($started.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", $Invariant))"
    "finished: $([DateTime]::UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", $Invariant))"
    "powershell: $($PSVersionTable.PSVersion)"
    "Microsoft.Graph.Authentication: $($module.Version)"
    "account: $($context.Account)"
    "tenant: $tenant"
    "scopes granted: $($granted -join ' ')"
    "sign-ins: $Days days, since $since"
    ''
    'exports:'
) + $counts + @(
    ''
    "failed ($($failed.Count)), error text in the .error.txt file named:"
) + $failed
[System.IO.File]::WriteAllText((Join-Path $bundle 'COLLECTION.txt'), ($lines -join "`n") + "`n")

$zipName = "$rootName.zip"
$zip = Join-Path $OutDir $zipName
Compress-Archive -Path $bundle -DestinationPath $zip
$hash = (Get-FileHash -Algorithm SHA256 -LiteralPath $zip).Hash.ToLowerInvariant()
[System.IO.File]::WriteAllText("$zip.sha256", "$hash  $zipName`n")

$null = Disconnect-MgGraph
Write-Host ''
Write-Host "$($counts.Count) exports written, $($failed.Count) failed (see COLLECTION.txt)."
Write-Host 'Send these two files to your auditor:'
Write-Output $zip
Write-Output "$zip.sha256"
