<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name></name>
    <message>
        <source>LinkDialog</source>
        <comment>A link asks to open the console of the VM {0} on

{1}

This control plane is not one of your saved ones.</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LinkDialog</source>
        <comment>Connect only if you expected this link: the console sees your keyboard and mouse while you use it.</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LinkDialog</source>
        <comment>The link also asks for fullscreen.</comment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AboutDialog</name>
    <message>
        <source>About QVMRC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy versions and folders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy versions and folders (for a support ticket)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Connect to a console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Console address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wss://host/path, ws://…, vnc://host:port or a qvmrc:// link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VNC password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>if the console asks for one (used now, never saved)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View only (send no keyboard or mouse input)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS (wss:// only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verify with the system&apos;s trusted authorities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verify with this CA file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accept the certificate with this SHA-256 fingerprint:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM file of the CA (or of the self-signed server certificate)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse for the CA file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AB:CD:… as the appliance shows it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the server&apos;s…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the server&apos;s certificate fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetch the certificate the server presents now, to compare with the appliance&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetching the server&apos;s certificate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server presents SHA-256 {0}. Accept it only if the appliance shows the same fingerprint.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the console&apos;s address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The CA file {0} does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ControlPlaneDialog</name>
    <message>
        <source>Edit control plane</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add control plane</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>https://limiquantix.example.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Control plane URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API token (optional today; stored in the keyring or a private file)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verify the TLS certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A trusted certificate is pinned.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Control plane URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load VMs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trust this certificate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trust this certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VMs to show in the sidebar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VMs to show in the sidebar:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The URL must start with http:// or https://</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n VM(s); tick the ones to keep in the sidebar.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Trust this certificate?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The control plane presents a certificate that is not signed by a known authority (normal for an appliance).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trust</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare its SHA-256 fingerprint with the one the appliance shows:

{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave user name and password out of the URL; put the API token in the Token field</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DebugPanel</name>
    <message>
        <source>Debug</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Info</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RFB version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Security type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pixel format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transport</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Encodings in use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Frames per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Update latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bytes per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decode time per update</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updates / rectangles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Debug panel pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lowest log level shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause the log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the log lines shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the lines shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear the log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy diagnostics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Versions, settings (no secrets), statistics and recent log lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record session…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save everything the server sends to an FBS file for a bug report (the console reconnects so the recording starts at the handshake)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No console open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop recording</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FullscreenBar</name>
    <message>
        <source>Fullscreen toolbar</source>
        <extracomment>The pointer this close to the top edge (logical pixels) reveals the bar. Below the bar by this much, the bar slides away.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Alt+Del</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send Ctrl+Alt+Del</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Release grab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave fullscreen</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>KeyComboDialog</name>
    <message>
        <source>Send key combination</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keys joined by &apos;+&apos;, pressed in order and released in reverse,
e.g. Ctrl+Alt+F2, Win+R, Ctrl+Shift+Esc:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key combination</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Alt+F2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep in the Send key menu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved combinations:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved combinations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the saved combination</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sends {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LinkDialog</name>
    <message>
        <source>Open this console?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Always allow this control plane (save it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Always allow this control plane</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MediaButton</name>
    <message>
        <source>CD/DVD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CD/DVD media</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CD/DVD media needs a control plane (this console was opened by URL)</source>
        <extracomment>Persists settings.recent_isos after a mount (the window sets it).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Insert an ISO from the platform&apos;s storage, or eject it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the VM&apos;s drives…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drives not read yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This VM has no CD/DVD drive (add one in the web UI)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mount ISO…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Eject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Eject {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mount ISO</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} has no CD/DVD drive; add one in the LimiQuantix web UI first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MediaController</name>
    <message>
        <source>Cannot read the CD/DVD drives of {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not insert {0} into {1} ({2})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mount ISO failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CD/DVD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} is in {1}&apos;s drive {2}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not eject the media of {0} ({1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Eject failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}&apos;s drive {1} is empty.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MountIsoDialog</name>
    <message>
        <source>Mount ISO — {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CD/DVD drive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drive:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ISO path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ISO path:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A path on the platform&apos;s storage, as the web UI&apos;s ISO library shows it (upload ISOs there first). The guest sees the disc change at once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That is a folder: add the ISO&apos;s file name.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PowerAction</name>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>start requested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shut down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>graceful shutdown requested (the guest decides when)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Power off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Power off cuts the power like pulling the plug: unsaved work in the VM is lost.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>powered off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reboot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reboot requested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resumed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PowerController</name>
    <message>
        <source>{0} {1}?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} {1}: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}: {1} (now {2})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QualityMenu</name>
    <message>
        <source>Quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preferred encoding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JPEG quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compression</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RemoteResizer</name>
    <message>
        <source>This server cannot resize the remote screen to the window.</source>
        <extracomment>A one-line note for the user (the server&apos;s answer, or why nothing was asked). Sizes asked for, in order (for the debug log and tests).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Guest screen resized to {0} × {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resize guest: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SendKeyMenu</name>
    <message>
        <source>Custom…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Guest keyboard layout (Type clipboard)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>QVMRC Preferences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preferred encoding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asked for first; the server picks among what it supports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preferred encoding:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off (lossless)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (smallest)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (best)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JPEG quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JPEG quality:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (fastest)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compression level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compression level:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fill</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1:1 (no scaling)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Default scale mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Default scale mode:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Smooth scaling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Release hotkey</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gives keyboard and mouse back from a console you clicked into</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Release hotkey:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnect automatically when a console drops</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnect automatically</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share the clipboard with the VM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme follows the operating system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS CA certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM file (optional; the system&apos;s store is always used)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A CA (or an appliance&apos;s own certificate) to trust for https:// and wss:// servers; names and IP addresses in it are checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS CA certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Forget %n trusted certificate(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Forget trusted certificates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VNC CA certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM file (only for VeNCrypt X509 consoles)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The CA that signed the hypervisors&apos; VNC certificates (QEMU tls-creds-x509)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VNC CA certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VNC username</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only for VeNCrypt Plain consoles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VNC username:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Encoding, quality and compression apply when a console next connects.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trusted certificates will be forgotten</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Open a console (address or qvmrc:// link)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show or hide the sidebar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fullscreen console (also while the keyboard is grabbed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Debug panel: log, statistics, Copy diagnostics, Record session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click in the console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grab the keyboard (and the pointer when the VM&apos;s pointer is relative)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Alt (press and release)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Release the keyboard and pointer grab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send key (console toolbar)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Alt+Del, Ctrl+Alt+Backspace, Ctrl+Alt+F1…F12 to the VM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click a VM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open its console in a tab (or focus the open one)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Open qvmrc:// links from the web UI with QVMRC?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Zoom</name>
    <message>
        <source>Fit</source>
        <extracomment>Scale control entries: (label, mode). 100% is the existing &quot;1:1&quot; mode. Show a label through QCoreApplication.translate(&quot;Zoom&quot;, label).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fill</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_SliderRow</name>
    <message>
        <source>{0} on</source>
        <extracomment>(label, encoding) choices for &quot;Preferred encoding&quot;.</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Old qvmc client</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cursor_actions</name>
    <message>
        <source>Show &amp;local cursor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draw the pointer locally (the server&apos;s cursor shape); off: only what the guest paints</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Dot when the guest hides its cursor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show a small dot instead of nothing when the server sends an empty cursor</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dialogs</name>
    <message>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>media</name>
    <message>
        <source>Give the path of the ISO image on the platform&apos;s storage.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That path is longer than {0} characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The path contains control characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this control plane does not offer CD/DVD media (MountISO/EjectISO)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} — check the API token of this control plane</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
