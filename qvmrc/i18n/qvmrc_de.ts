<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About QVMRC</source>
        <translation>Über QVMRC</translation>
    </message>
    <message>
        <source>Console for LimiQuantix virtual machines.</source>
        <translation>Konsole für virtuelle Maschinen von LimiQuantix.</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy versions and folders</source>
        <translation>Versionen und Ordner kopieren</translation>
    </message>
    <message>
        <source>Copy versions and folders (for a support ticket)</source>
        <translation>Versionen und Ordner kopieren (für eine Support-Anfrage)</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Connect to a console</source>
        <translation>Mit einer Konsole verbinden</translation>
    </message>
    <message>
        <source>Console address</source>
        <translation>Konsolenadresse</translation>
    </message>
    <message>
        <source>wss://host/path, ws://…, vnc://host:port or a qvmrc:// link</source>
        <translation>wss://host/pfad, ws://…, vnc://host:port oder ein qvmrc://-Link</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>Adresse:</translation>
    </message>
    <message>
        <source>VNC password</source>
        <translation>VNC-Passwort</translation>
    </message>
    <message>
        <source>if the console asks for one (used now, never saved)</source>
        <translation>falls die Konsole eines verlangt (nur jetzt verwendet, nie gespeichert)</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Passwort:</translation>
    </message>
    <message>
        <source>View only (send no keyboard or mouse input)</source>
        <translation>Nur ansehen (keine Tastatur- oder Mauseingaben senden)</translation>
    </message>
    <message>
        <source>View only</source>
        <translation>Nur ansehen</translation>
    </message>
    <message>
        <source>TLS (wss:// only)</source>
        <translation>TLS (nur wss://)</translation>
    </message>
    <message>
        <source>Verify with the system&apos;s trusted authorities</source>
        <translation>Mit den vertrauenswürdigen Zertifizierungsstellen des Systems prüfen</translation>
    </message>
    <message>
        <source>Verify with this CA file:</source>
        <translation>Mit dieser CA-Datei prüfen:</translation>
    </message>
    <message>
        <source>Accept the certificate with this SHA-256 fingerprint:</source>
        <translation>Das Zertifikat mit diesem SHA-256-Fingerabdruck akzeptieren:</translation>
    </message>
    <message>
        <source>Verify with a CA file</source>
        <translation>Mit einer CA-Datei prüfen</translation>
    </message>
    <message>
        <source>Accept the certificate with a SHA-256 fingerprint</source>
        <translation>Das Zertifikat mit einem SHA-256-Fingerabdruck akzeptieren</translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>CA-Datei</translation>
    </message>
    <message>
        <source>PEM file of the CA (or of the self-signed server certificate)</source>
        <translation>PEM-Datei der CA (oder des selbstsignierten Serverzertifikats)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Browse for the CA file</source>
        <translation>CA-Datei suchen</translation>
    </message>
    <message>
        <source>Certificate fingerprint</source>
        <translation>Zertifikat-Fingerabdruck</translation>
    </message>
    <message>
        <source>AB:CD:… as the appliance shows it</source>
        <translation>AB:CD:… wie die Appliance ihn anzeigt</translation>
    </message>
    <message>
        <source>Show the server&apos;s…</source>
        <translation>Den des Servers zeigen…</translation>
    </message>
    <message>
        <source>Show the server&apos;s certificate fingerprint</source>
        <translation>Den Zertifikat-Fingerabdruck des Servers zeigen</translation>
    </message>
    <message>
        <source>Fetch the certificate the server presents now, to compare with the appliance&apos;s</source>
        <translation>Das Zertifikat abrufen, das der Server jetzt vorlegt, um es mit dem der Appliance zu vergleichen</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>CA-Zertifikat</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt);;All files (*)</source>
        <translation>PEM-Zertifikate (*.pem *.crt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Fetching the server&apos;s certificate…</source>
        <translation>Zertifikat des Servers wird abgerufen…</translation>
    </message>
    <message>
        <source>The server presents SHA-256 {0}. Accept it only if the appliance shows the same fingerprint.</source>
        <translation>Der Server legt SHA-256 {0} vor. Akzeptieren Sie es nur, wenn die Appliance denselben Fingerabdruck zeigt.</translation>
    </message>
    <message>
        <source>Give the console&apos;s address.</source>
        <translation>Geben Sie die Adresse der Konsole an.</translation>
    </message>
    <message>
        <source>The CA file {0} does not exist.</source>
        <translation>Die CA-Datei {0} existiert nicht.</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
</context>
<context>
    <name>ConsoleActions</name>
    <message>
        <source>Copy screenshot</source>
        <translation>Bildschirmfoto kopieren</translation>
    </message>
    <message>
        <source>there is no screen to copy yet</source>
        <translation>es gibt noch kein Bild zum Kopieren</translation>
    </message>
    <message>
        <source>Screenshot copied to the clipboard ({w} × {h})</source>
        <translation>Bildschirmfoto in die Zwischenablage kopiert ({w} × {h})</translation>
    </message>
    <message>
        <source>Save screenshot</source>
        <translation>Bildschirmfoto speichern</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Screenshot failed</source>
        <translation>Bildschirmfoto fehlgeschlagen</translation>
    </message>
    <message>
        <source>Screenshot</source>
        <translation>Bildschirmfoto</translation>
    </message>
    <message>
        <source>saved {path}</source>
        <translation>{path} gespeichert</translation>
    </message>
    <message>
        <source>Type clipboard</source>
        <translation>Zwischenablage tippen</translation>
    </message>
    <message>
        <source>The clipboard holds no text.</source>
        <translation>Die Zwischenablage enthält keinen Text.</translation>
    </message>
    <message>
        <source>The clipboard holds {n} characters; at most {limit} can be typed.</source>
        <translation>Die Zwischenablage enthält {n} Zeichen; höchstens {limit} können getippt werden.</translation>
    </message>
    <message>
        <source>Type {n} characters into {vm}?</source>
        <translation>{n} Zeichen in {vm} tippen?</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tippen</translation>
    </message>
    <message>
        <source>Every character is sent as a key press; the VM sees it as typing.</source>
        <translation>Jedes Zeichen wird als Tastendruck gesendet; die VM sieht es als Eingabe.</translation>
    </message>
    <message>
        <source>Stop recording</source>
        <translation>Aufnahme beenden</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Aufnehmen</translation>
    </message>
    <message>
        <source>Record session</source>
        <translation>Sitzung aufnehmen</translation>
    </message>
    <message>
        <source>FBS recordings (*.fbs)</source>
        <translation>FBS-Aufnahmen (*.fbs)</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>Aufnahme</translation>
    </message>
    <message>
        <source>reconnecting to record from the start into {path}</source>
        <translation>verbinde neu, um von Anfang an in {path} aufzunehmen</translation>
    </message>
    <message>
        <source>Recording stopped</source>
        <translation>Aufnahme beendet</translation>
    </message>
    <message>
        <source>{path} reached its size cap and is complete up to there</source>
        <translation>{path} hat seine Größengrenze erreicht und ist bis dahin vollständig</translation>
    </message>
    <message>
        <source>Recording saved</source>
        <translation>Aufnahme gespeichert</translation>
    </message>
</context>
<context>
    <name>ConsoleTab</name>
    <message>
        <source>{vm} on {control_plane}</source>
        <extracomment>The user pinned a control plane&apos;s certificate (the window saves it). The tab changed the settings (a pinned ad-hoc certificate): the window saves them. This console&apos;s own encodings and quality (the Quality menu); None: the preferences&apos;.</extracomment>
        <translation>{vm} auf {control_plane}</translation>
    </message>
    <message>
        <source>Connected to {where}</source>
        <translation>Verbunden mit {where}</translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>Etwas ist schiefgegangen</translation>
    </message>
    <message>
        <source>See the debug panel&apos;s log for details.</source>
        <translation>Details stehen im Protokoll der Debug-Ansicht.</translation>
    </message>
    <message>
        <source>Recording failed</source>
        <translation>Aufnahme fehlgeschlagen</translation>
    </message>
    <message>
        <source>cannot write {path}: {error}</source>
        <translation>{path} kann nicht geschrieben werden: {error}</translation>
    </message>
    <message>
        <source>Starting the VM…</source>
        <translation>VM wird gestartet…</translation>
    </message>
    <message>
        <source>Resuming the VM…</source>
        <translation>VM wird fortgesetzt…</translation>
    </message>
    <message>
        <source>Fetching the certificate…</source>
        <translation>Zertifikat wird abgerufen…</translation>
    </message>
    <message>
        <source>Trust this certificate?</source>
        <translation>Diesem Zertifikat vertrauen?</translation>
    </message>
    <message>
        <source>{where} presents a certificate that no known authority signed (normal for an appliance).</source>
        <translation>{where} zeigt ein Zertifikat, das keine bekannte Stelle signiert hat (bei einer Appliance normal).</translation>
    </message>
    <message>
        <source>Trust</source>
        <translation>Vertrauen</translation>
    </message>
    <message>
        <source>Compare its SHA-256 fingerprint with the one the appliance shows:

{sha256}</source>
        <translation>Vergleichen Sie den SHA-256-Fingerabdruck mit dem, den die Appliance anzeigt:

{sha256}</translation>
    </message>
    <message>
        <source>Authenticating…</source>
        <translation>Anmeldung…</translation>
    </message>
    <message>
        <source>The console asks for a VNC password.</source>
        <translation>Die Konsole verlangt ein VNC-Passwort.</translation>
    </message>
    <message>
        <source>VNC password</source>
        <translation>VNC-Passwort</translation>
    </message>
    <message>
        <source>The console of {vm} asks for its VNC password:</source>
        <translation>Die Konsole von {vm} verlangt ihr VNC-Passwort:</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>Quality: {encoding}, JPEG {jpeg}, compression {level}</source>
        <translation>Qualität: {encoding}, JPEG {jpeg}, Kompression {level}</translation>
    </message>
</context>
<context>
    <name>ConsoleTabs</name>
    <message>
        <source>Consoles</source>
        <extracomment>A tab asked for fullscreen (its toolbar button or F11 inside it). A tab is about to go (leave fullscreen first if it is the fullscreen one). The current console, or None when the last tab closed. Links waiting for the user&apos;s yes (open_string); tests await them.</extracomment>
        <translation>Konsolen</translation>
    </message>
    <message>
        <source>Open consoles</source>
        <translation>Offene Konsolen</translation>
    </message>
    <message>
        <source>Close {0}</source>
        <translation>{0} schließen</translation>
    </message>
    <message>
        <source>Cannot open console</source>
        <translation>Konsole kann nicht geöffnet werden</translation>
    </message>
</context>
<context>
    <name>ConsoleToolbar</name>
    <message>
        <source> Scale </source>
        <translation> Skalierung </translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>Skalierung</translation>
    </message>
    <message>
        <source>Smooth</source>
        <translation>Glätten</translation>
    </message>
    <message>
        <source>Smooth scaling (off: sharp pixels)</source>
        <translation>Glatte Skalierung (aus: scharfe Pixel)</translation>
    </message>
    <message>
        <source>Fullscreen</source>
        <translation>Vollbild</translation>
    </message>
    <message>
        <source>Fullscreen (F11)</source>
        <translation>Vollbild (F11)</translation>
    </message>
    <message>
        <source>Send key</source>
        <translation>Taste senden</translation>
    </message>
    <message>
        <source>Type clipboard</source>
        <translation>Zwischenablage tippen</translation>
    </message>
    <message>
        <source>Type the local clipboard&apos;s text as key presses (for BIOS and installers)</source>
        <translation>Den Text der lokalen Zwischenablage als Tastendrücke tippen (für BIOS und Installer)</translation>
    </message>
    <message>
        <source>View only</source>
        <translation>Nur ansehen</translation>
    </message>
    <message>
        <source>Send no keyboard or mouse input</source>
        <translation>Keine Tastatur- oder Mauseingaben senden</translation>
    </message>
    <message>
        <source>Power</source>
        <translation>Energie</translation>
    </message>
    <message>
        <source>Power actions need a control plane (this console was opened by URL)</source>
        <translation>Energieaktionen brauchen eine Control Plane (diese Konsole wurde per URL geöffnet)</translation>
    </message>
    <message>
        <source>Screenshot…</source>
        <translation>Bildschirmfoto…</translation>
    </message>
    <message>
        <source>Save the console as a PNG</source>
        <translation>Die Konsole als PNG speichern</translation>
    </message>
    <message>
        <source>Copy screenshot</source>
        <translation>Bildschirmfoto kopieren</translation>
    </message>
    <message>
        <source>Copy the console&apos;s picture to the clipboard</source>
        <translation>Das Bild der Konsole in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Aufnehmen</translation>
    </message>
    <message>
        <source>Record the session to an FBS file for a bug report</source>
        <translation>Die Sitzung für einen Fehlerbericht in eine FBS-Datei aufnehmen</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>Anzeige</translation>
    </message>
    <message>
        <source>Fit window to guest</source>
        <translation>Fenster an Gast anpassen</translation>
    </message>
    <message>
        <source>Resize the window so the console shows at 100%</source>
        <translation>Fenstergröße so ändern, dass die Konsole bei 100 % erscheint</translation>
    </message>
    <message>
        <source>Resize guest to window</source>
        <translation>Gast an Fenster anpassen</translation>
    </message>
    <message>
        <source>Resize the guest&apos;s screen to the window (when the server allows it)</source>
        <translation>Den Bildschirm des Gasts an das Fenster anpassen (wenn der Server es erlaubt)</translation>
    </message>
    <message>
        <source>Encoding, JPEG quality and compression for this console, applied now</source>
        <translation>Kodierung, JPEG-Qualität und Kompression dieser Konsole, sofort angewendet</translation>
    </message>
</context>
<context>
    <name>ConsoleView</name>
    <message>
        <source>View only</source>
        <extracomment>Windows and macOS need a hook / event tap besides Qt&apos;s grab for system keys.</extracomment>
        <translation>Nur ansehen</translation>
    </message>
    <message>
        <source>Press {hotkey} to release</source>
        <translation>{hotkey} drücken zum Freigeben</translation>
    </message>
    <message>
        <source>Relative pointer — click in the console to grab</source>
        <translation>Relativer Zeiger — in die Konsole klicken zum Fangen</translation>
    </message>
    <message>
        <source>Absolute pointer — click in the console to type</source>
        <translation>Absoluter Zeiger — in die Konsole klicken zum Tippen</translation>
    </message>
    <message>
        <source>Virtual machine console</source>
        <extracomment>The console has the focus but not the keyboard (see ConsoleArea&apos;s frame). paint events handled (vitals for soak tests and the debug panel)</extracomment>
        <translation>Konsole der virtuellen Maschine</translation>
    </message>
    <message>
        <source>Click or press Ctrl+G to send the keyboard and mouse to the VM</source>
        <translation>Klicken oder Strg+G drücken, um Tastatur und Maus an die VM zu geben</translation>
    </message>
</context>
<context>
    <name>ControlPlaneDialog</name>
    <message>
        <source>Edit control plane</source>
        <translation>Steuerungsebene bearbeiten</translation>
    </message>
    <message>
        <source>Add control plane</source>
        <translation>Steuerungsebene hinzufügen</translation>
    </message>
    <message>
        <source>https://limiquantix.example.com</source>
        <translation>https://limiquantix.example.com</translation>
    </message>
    <message>
        <source>Control plane URL</source>
        <translation>URL der Steuerungsebene</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>optional display name</source>
        <translation>optionaler Anzeigename</translation>
    </message>
    <message>
        <source>API token</source>
        <translation>API-Token</translation>
    </message>
    <message>
        <source>API token (optional today; stored in the keyring or a private file)</source>
        <translation>API-Token (derzeit optional; im Schlüsselbund oder einer privaten Datei gespeichert)</translation>
    </message>
    <message>
        <source>Verify the TLS certificate</source>
        <translation>TLS-Zertifikat prüfen</translation>
    </message>
    <message>
        <source>A trusted certificate is pinned.</source>
        <translation>Ein vertrautes Zertifikat ist hinterlegt.</translation>
    </message>
    <message>
        <source>Control plane URL:</source>
        <translation>URL der Steuerungsebene:</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Token:</source>
        <translation>Token:</translation>
    </message>
    <message>
        <source>Load VMs</source>
        <translation>VMs laden</translation>
    </message>
    <message>
        <source>Trust this certificate…</source>
        <translation>Diesem Zertifikat vertrauen…</translation>
    </message>
    <message>
        <source>Trust this certificate</source>
        <translation>Diesem Zertifikat vertrauen</translation>
    </message>
    <message>
        <source>VMs to show in the sidebar</source>
        <translation>In der Seitenleiste gezeigte VMs</translation>
    </message>
    <message>
        <source>VMs to show in the sidebar:</source>
        <translation>In der Seitenleiste gezeigte VMs:</translation>
    </message>
    <message>
        <source>The URL must start with http:// or https://</source>
        <translation>Die URL muss mit http:// oder https:// beginnen</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message numerus="yes">
        <source>%n VM(s); tick the ones to keep in the sidebar.</source>
        <translation>
            <numerusform>%n VM; haken Sie die an, die in der Seitenleiste bleiben sollen.</numerusform>
            <numerusform>%n VMs; haken Sie die an, die in der Seitenleiste bleiben sollen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Trust this certificate?</source>
        <translation>Diesem Zertifikat vertrauen?</translation>
    </message>
    <message>
        <source>The control plane presents a certificate that is not signed by a known authority (normal for an appliance).</source>
        <translation>Die Steuerungsebene legt ein Zertifikat vor, das von keiner bekannten Stelle signiert ist (üblich bei einer Appliance).</translation>
    </message>
    <message>
        <source>Trust</source>
        <translation>Vertrauen</translation>
    </message>
    <message>
        <source>Compare its SHA-256 fingerprint with the one the appliance shows:

{0}</source>
        <translation>Vergleichen Sie seinen SHA-256-Fingerabdruck mit dem, den die Appliance zeigt:

{0}</translation>
    </message>
    <message>
        <source>Leave user name and password out of the URL; put the API token in the Token field</source>
        <translation>Benutzername und Passwort gehören nicht in die URL; tragen Sie das API-Token im Feld Token ein</translation>
    </message>
</context>
<context>
    <name>ControlPlaneEditor</name>
    <message>
        <source>Token</source>
        <extracomment>The saved control planes or their VM lists changed (redraw the sidebar). A control plane was added or edited (list it now; consoles on it may now be trusted).</extracomment>
        <translation>Token</translation>
    </message>
    <message>
        <source>cannot store the token: {0}</source>
        <translation>Token kann nicht gespeichert werden: {0}</translation>
    </message>
    <message>
        <source>Remove control plane</source>
        <translation>Control Plane entfernen</translation>
    </message>
    <message>
        <source>Remove {0} and its saved VMs from the sidebar?</source>
        <translation>{0} und die gespeicherten VMs aus der Seitenleiste entfernen?</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Open consoles stay open.</source>
        <translation>Offene Konsolen bleiben offen.</translation>
    </message>
    <message>
        <source>Certificate trusted</source>
        <translation>Zertifikat vertraut</translation>
    </message>
    <message>
        <source>{0}: its certificate is pinned in your settings.</source>
        <translation>{0}: Das Zertifikat ist in Ihren Einstellungen hinterlegt.</translation>
    </message>
</context>
<context>
    <name>DebugPanel</name>
    <message>
        <source>Debug</source>
        <translation>Debug</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Server name</source>
        <translation>Servername</translation>
    </message>
    <message>
        <source>RFB version</source>
        <translation>RFB-Version</translation>
    </message>
    <message>
        <source>Security type</source>
        <translation>Sicherheitstyp</translation>
    </message>
    <message>
        <source>Pixel format</source>
        <translation>Pixelformat</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>Encodings in use</source>
        <translation>Verwendete Kodierungen</translation>
    </message>
    <message>
        <source>Frames per second</source>
        <translation>Bilder pro Sekunde</translation>
    </message>
    <message>
        <source>Update latency</source>
        <translation>Aktualisierungslatenz</translation>
    </message>
    <message>
        <source>Input latency</source>
        <translation>Eingabelatenz</translation>
    </message>
    <message>
        <source>Bytes per second</source>
        <translation>Bytes pro Sekunde</translation>
    </message>
    <message>
        <source>Decode time per update</source>
        <translation>Dekodierzeit pro Aktualisierung</translation>
    </message>
    <message>
        <source>Updates / rectangles</source>
        <translation>Aktualisierungen / Rechtecke</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Connected for</source>
        <translation>Verbunden seit</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <source>Debug panel pages</source>
        <translation>Seiten des Debug-Bereichs</translation>
    </message>
    <message>
        <source>Lowest log level shown</source>
        <translation>Niedrigste angezeigte Protokollstufe</translation>
    </message>
    <message>
        <source>Search log</source>
        <translation>Protokoll durchsuchen</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Pause the log</source>
        <translation>Protokoll anhalten</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the log lines shown</source>
        <translation>Die angezeigten Protokollzeilen kopieren</translation>
    </message>
    <message>
        <source>Copy the lines shown</source>
        <translation>Die angezeigten Zeilen kopieren</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Clear the log</source>
        <translation>Protokoll leeren</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>Log lines</source>
        <translation>Protokollzeilen</translation>
    </message>
    <message>
        <source>No console</source>
        <translation>Keine Konsole</translation>
    </message>
    <message>
        <source>{0}:</source>
        <translation>{0}:</translation>
    </message>
    <message>
        <source>Copy diagnostics</source>
        <translation>Diagnose kopieren</translation>
    </message>
    <message>
        <source>Versions, settings (no secrets), statistics and recent log lines</source>
        <translation>Versionen, Einstellungen (ohne Geheimnisse), Statistik und letzte Protokollzeilen</translation>
    </message>
    <message>
        <source>Record session…</source>
        <translation>Sitzung aufzeichnen…</translation>
    </message>
    <message>
        <source>Record session</source>
        <translation>Sitzung aufzeichnen</translation>
    </message>
    <message>
        <source>Save everything the server sends to an FBS file for a bug report (the console reconnects so the recording starts at the handshake)</source>
        <translation>Alles, was der Server sendet, für einen Fehlerbericht in einer FBS-Datei speichern (die Konsole verbindet sich neu, damit die Aufzeichnung mit dem Handshake beginnt)</translation>
    </message>
    <message>
        <source>No console open</source>
        <translation>Keine Konsole geöffnet</translation>
    </message>
    <message>
        <source>Stop recording</source>
        <translation>Aufzeichnung beenden</translation>
    </message>
</context>
<context>
    <name>FullscreenBar</name>
    <message>
        <source>Fullscreen toolbar</source>
        <extracomment>The pointer this close to the top edge (logical pixels) reveals the bar. Below the bar by this much, the bar slides away.</extracomment>
        <translation>Vollbild-Werkzeugleiste</translation>
    </message>
    <message>
        <source>Ctrl+Alt+Del</source>
        <translation>Strg+Alt+Entf</translation>
    </message>
    <message>
        <source>Send Ctrl+Alt+Del</source>
        <translation>Strg+Alt+Entf senden</translation>
    </message>
    <message>
        <source>Release grab</source>
        <translation>Eingabe freigeben</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>Leave fullscreen</source>
        <translation>Vollbild verlassen</translation>
    </message>
</context>
<context>
    <name>FullscreenController</name>
    <message>
        <source>This window&apos;s screen</source>
        <extracomment>The screen fullscreen goes to (its name); &quot;&quot; is the window&apos;s own screen.</extracomment>
        <translation>Bildschirm dieses Fensters</translation>
    </message>
    <message>
        <source>{0} ({1} × {2})</source>
        <translation>{0} ({1} × {2})</translation>
    </message>
</context>
<context>
    <name>KeyComboDialog</name>
    <message>
        <source>Send key combination</source>
        <translation>Tastenkombination senden</translation>
    </message>
    <message>
        <source>Keys joined by &apos;+&apos;, pressed in order and released in reverse,
e.g. Ctrl+Alt+F2, Win+R, Ctrl+Shift+Esc:</source>
        <translation>Tasten mit &apos;+&apos; verbunden, der Reihe nach gedrückt und umgekehrt losgelassen,
z. B. Ctrl+Alt+F2, Win+R, Ctrl+Shift+Esc:</translation>
    </message>
    <message>
        <source>Key combination</source>
        <translation>Tastenkombination</translation>
    </message>
    <message>
        <source>Ctrl+Alt+F2</source>
        <translation>Ctrl+Alt+F2</translation>
    </message>
    <message>
        <source>Keep in the Send key menu</source>
        <translation>Im Menü „Taste senden“ behalten</translation>
    </message>
    <message>
        <source>Saved combinations:</source>
        <translation>Gespeicherte Kombinationen:</translation>
    </message>
    <message>
        <source>Saved combinations</source>
        <translation>Gespeicherte Kombinationen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove the saved combination</source>
        <translation>Gespeicherte Kombination entfernen</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Sends {0}</source>
        <translation>Sendet {0}</translation>
    </message>
</context>
<context>
    <name>LinkDialog</name>
    <message>
        <source>A link asks to open the console of the VM {0} on

{1}

This control plane is not one of your saved ones.</source>
        <translation>Ein Link möchte die Konsole der VM {0} öffnen auf

{1}

Diese Steuerungsebene gehört nicht zu Ihren gespeicherten.</translation>
    </message>
    <message>
        <source>Connect only if you expected this link: the console sees your keyboard and mouse while you use it.</source>
        <translation>Verbinden Sie nur, wenn Sie diesen Link erwartet haben: Die Konsole sieht Ihre Tastatur und Maus, solange Sie sie benutzen.</translation>
    </message>
    <message>
        <source>The link also asks for fullscreen.</source>
        <translation>Der Link verlangt außerdem den Vollbildmodus.</translation>
    </message>
    <message>
        <source>Open this console?</source>
        <translation>Diese Konsole öffnen?</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>&amp;Always allow this control plane (save it)</source>
        <translation>Diese Steuerungsebene &amp;immer erlauben (speichern)</translation>
    </message>
    <message>
        <source>Always allow this control plane</source>
        <translation>Diese Steuerungsebene immer erlauben</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>QVMRC</source>
        <translation>QVMRC</translation>
    </message>
    <message>
        <source>&lt;h2&gt;QVMRC&lt;/h2&gt;&lt;p&gt;Double-click a VM in the sidebar to open its console,&lt;br&gt;or add a control plane with &lt;b&gt;+&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;File › Connect to… takes a ws://, wss://, vnc:// address or a qvmrc:// link.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;QVMRC&lt;/h2&gt;&lt;p&gt;Doppelklicken Sie eine VM in der Seitenleiste, um ihre Konsole zu öffnen,&lt;br&gt;oder fügen Sie mit &lt;b&gt;+&lt;/b&gt; eine Control Plane hinzu.&lt;/p&gt;&lt;p&gt;Datei › Verbinden mit… nimmt eine ws://-, wss://-, vnc://-Adresse oder einen qvmrc://-Link.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>{0} — QVMRC</source>
        <translation>{0} — QVMRC</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>cannot save settings: {0}</source>
        <translation>Einstellungen können nicht gespeichert werden: {0}</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}: {1}</translation>
    </message>
</context>
<context>
    <name>MediaButton</name>
    <message>
        <source>CD/DVD</source>
        <translation>CD/DVD</translation>
    </message>
    <message>
        <source>CD/DVD media</source>
        <translation>CD/DVD-Medien</translation>
    </message>
    <message>
        <source>CD/DVD media needs a control plane (this console was opened by URL)</source>
        <extracomment>Persists settings.recent_isos after a mount (the window sets it).</extracomment>
        <translation>CD/DVD-Medien brauchen eine Steuerungsebene (diese Konsole wurde über eine URL geöffnet)</translation>
    </message>
    <message>
        <source>Insert an ISO from the platform&apos;s storage, or eject it</source>
        <translation>Ein ISO aus dem Speicher der Plattform einlegen oder auswerfen</translation>
    </message>
    <message>
        <source>Reading the VM&apos;s drives…</source>
        <translation>Laufwerke der VM werden gelesen…</translation>
    </message>
    <message>
        <source>Drives not read yet</source>
        <translation>Laufwerke noch nicht gelesen</translation>
    </message>
    <message>
        <source>This VM has no CD/DVD drive (add one in the web UI)</source>
        <translation>Diese VM hat kein CD/DVD-Laufwerk (in der Web-Oberfläche hinzufügen)</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>leer</translation>
    </message>
    <message>
        <source>Mount ISO…</source>
        <translation>ISO einlegen…</translation>
    </message>
    <message>
        <source>Eject</source>
        <translation>Auswerfen</translation>
    </message>
    <message>
        <source>Eject {0}</source>
        <translation>{0} auswerfen</translation>
    </message>
    <message>
        <source>Mount ISO</source>
        <translation>ISO einlegen</translation>
    </message>
    <message>
        <source>{0} has no CD/DVD drive; add one in the LimiQuantix web UI first.</source>
        <translation>{0} hat kein CD/DVD-Laufwerk; fügen Sie zuerst eines in der LimiQuantix-Web-Oberfläche hinzu.</translation>
    </message>
</context>
<context>
    <name>MediaController</name>
    <message>
        <source>Cannot read the CD/DVD drives of {0}</source>
        <translation>Die CD/DVD-Laufwerke von {0} können nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not insert {0} into {1} ({2})</source>
        <translation>{0} konnte nicht in {1} ({2}) eingelegt werden</translation>
    </message>
    <message>
        <source>Mount ISO failed</source>
        <translation>ISO einlegen fehlgeschlagen</translation>
    </message>
    <message>
        <source>CD/DVD</source>
        <translation>CD/DVD</translation>
    </message>
    <message>
        <source>{0} is in {1}&apos;s drive {2}.</source>
        <translation>{0} liegt in Laufwerk {2} von {1}.</translation>
    </message>
    <message>
        <source>Could not eject the media of {0} ({1})</source>
        <translation>Das Medium von {0} ({1}) konnte nicht ausgeworfen werden</translation>
    </message>
    <message>
        <source>Eject failed</source>
        <translation>Auswerfen fehlgeschlagen</translation>
    </message>
    <message>
        <source>{0}&apos;s drive {1} is empty.</source>
        <translation>Laufwerk {1} von {0} ist leer.</translation>
    </message>
</context>
<context>
    <name>MountIsoDialog</name>
    <message>
        <source>Mount ISO — {0}</source>
        <translation>ISO einlegen — {0}</translation>
    </message>
    <message>
        <source>CD/DVD drive</source>
        <translation>CD/DVD-Laufwerk</translation>
    </message>
    <message>
        <source>Drive:</source>
        <translation>Laufwerk:</translation>
    </message>
    <message>
        <source>ISO path</source>
        <translation>ISO-Pfad</translation>
    </message>
    <message>
        <source>ISO path:</source>
        <translation>ISO-Pfad:</translation>
    </message>
    <message>
        <source>A path on the platform&apos;s storage, as the web UI&apos;s ISO library shows it (upload ISOs there first). The guest sees the disc change at once.</source>
        <translation>Ein Pfad im Speicher der Plattform, wie ihn die ISO-Bibliothek der Web-Oberfläche zeigt (ISOs zuerst dort hochladen). Der Gast sieht den Medienwechsel sofort.</translation>
    </message>
    <message>
        <source>Mount</source>
        <translation>Einlegen</translation>
    </message>
    <message>
        <source>That is a folder: add the ISO&apos;s file name.</source>
        <translation>Das ist ein Ordner: Ergänzen Sie den Dateinamen des ISOs.</translation>
    </message>
</context>
<context>
    <name>PowerAction</name>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>start requested</source>
        <translation>Start angefordert</translation>
    </message>
    <message>
        <source>Shut down</source>
        <translation>Herunterfahren</translation>
    </message>
    <message>
        <source>graceful shutdown requested (the guest decides when)</source>
        <translation>geordnetes Herunterfahren angefordert (der Gast entscheidet, wann)</translation>
    </message>
    <message>
        <source>Power off</source>
        <translation>Ausschalten</translation>
    </message>
    <message>
        <source>Power off cuts the power like pulling the plug: unsaved work in the VM is lost.</source>
        <translation>Ausschalten trennt den Strom wie das Ziehen des Steckers: Ungespeicherte Arbeit in der VM geht verloren.</translation>
    </message>
    <message>
        <source>powered off</source>
        <translation>ausgeschaltet</translation>
    </message>
    <message>
        <source>Reboot</source>
        <translation>Neu starten</translation>
    </message>
    <message>
        <source>reboot requested</source>
        <translation>Neustart angefordert</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>resumed</source>
        <translation>fortgesetzt</translation>
    </message>
</context>
<context>
    <name>PowerController</name>
    <message>
        <source>{0} {1}?</source>
        <translation>{0}: {1}?</translation>
    </message>
    <message>
        <source>{0} failed</source>
        <translation>{0} fehlgeschlagen</translation>
    </message>
    <message>
        <source>{0} {1}: {2}</source>
        <translation>{0} {1}: {2}</translation>
    </message>
    <message>
        <source>{0}: {1} (now {2})</source>
        <translation>{0}: {1} (jetzt {2})</translation>
    </message>
</context>
<context>
    <name>QualityMenu</name>
    <message>
        <source>Quality</source>
        <translation>Qualität</translation>
    </message>
    <message>
        <source>Preferred encoding</source>
        <translation>Bevorzugte Kodierung</translation>
    </message>
    <message>
        <source>Tight</source>
        <translation>Tight</translation>
    </message>
    <message>
        <source>JPEG quality</source>
        <translation>JPEG-Qualität</translation>
    </message>
    <message>
        <source>Compression</source>
        <translation>Kompression</translation>
    </message>
</context>
<context>
    <name>RecentMenu</name>
    <message>
        <source>No recent consoles</source>
        <translation>Keine zuletzt geöffneten Konsolen</translation>
    </message>
    <message>
        <source>{0}  (view only)</source>
        <translation>{0}  (nur ansehen)</translation>
    </message>
    <message>
        <source>Clear recent</source>
        <translation>Liste leeren</translation>
    </message>
</context>
<context>
    <name>RemoteResizer</name>
    <message>
        <source>This server cannot resize the remote screen to the window.</source>
        <extracomment>A one-line note for the user (the server&apos;s answer, or why nothing was asked). Sizes asked for, in order (for the debug log and tests).</extracomment>
        <translation>Dieser Server kann den entfernten Bildschirm nicht an das Fenster anpassen.</translation>
    </message>
    <message>
        <source>Guest screen resized to {0} × {1}</source>
        <translation>Bildschirm des Gasts auf {0} × {1} geändert</translation>
    </message>
    <message>
        <source>Resize guest: {0}</source>
        <translation>Gastgröße ändern: {0}</translation>
    </message>
</context>
<context>
    <name>SendKeyMenu</name>
    <message>
        <source>Custom…</source>
        <translation>Eigene…</translation>
    </message>
    <message>
        <source>Guest keyboard layout (Type clipboard)</source>
        <translation>Tastaturbelegung des Gasts (Zwischenablage tippen)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>QVMRC Preferences</source>
        <translation>QVMRC-Einstellungen</translation>
    </message>
    <message>
        <source>Preferred encoding</source>
        <translation>Bevorzugte Kodierung</translation>
    </message>
    <message>
        <source>Asked for first; the server picks among what it supports</source>
        <translation>Wird zuerst angefragt; der Server wählt aus dem, was er unterstützt</translation>
    </message>
    <message>
        <source>Preferred encoding:</source>
        <translation>Bevorzugte Kodierung:</translation>
    </message>
    <message>
        <source>Off (lossless)</source>
        <translation>Aus (verlustfrei)</translation>
    </message>
    <message>
        <source> (smallest)</source>
        <translation> (am kleinsten)</translation>
    </message>
    <message>
        <source> (best)</source>
        <translation> (am besten)</translation>
    </message>
    <message>
        <source>JPEG quality</source>
        <translation>JPEG-Qualität</translation>
    </message>
    <message>
        <source>JPEG quality:</source>
        <translation>JPEG-Qualität:</translation>
    </message>
    <message>
        <source>Server default</source>
        <translation>Vorgabe des Servers</translation>
    </message>
    <message>
        <source> (fastest)</source>
        <translation> (am schnellsten)</translation>
    </message>
    <message>
        <source>Compression level</source>
        <translation>Kompressionsstufe</translation>
    </message>
    <message>
        <source>Compression level:</source>
        <translation>Kompressionsstufe:</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>Fill</source>
        <translation>Füllen</translation>
    </message>
    <message>
        <source>1:1 (no scaling)</source>
        <translation>1:1 (ohne Skalierung)</translation>
    </message>
    <message>
        <source>Default scale mode</source>
        <translation>Standard-Skalierung</translation>
    </message>
    <message>
        <source>Default scale mode:</source>
        <translation>Standard-Skalierung:</translation>
    </message>
    <message>
        <source>Smooth scaling</source>
        <translation>Glatte Skalierung</translation>
    </message>
    <message>
        <source>Release hotkey</source>
        <translation>Freigabe-Tastenkürzel</translation>
    </message>
    <message>
        <source>Gives keyboard and mouse back from a console you clicked into</source>
        <translation>Gibt Tastatur und Maus von einer angeklickten Konsole zurück</translation>
    </message>
    <message>
        <source>Release hotkey:</source>
        <translation>Freigabe-Tastenkürzel:</translation>
    </message>
    <message>
        <source>Reconnect automatically when a console drops</source>
        <translation>Automatisch neu verbinden, wenn eine Konsole abbricht</translation>
    </message>
    <message>
        <source>Reconnect automatically</source>
        <translation>Automatisch neu verbinden</translation>
    </message>
    <message>
        <source>Share the clipboard with the VM</source>
        <translation>Zwischenablage mit der VM teilen</translation>
    </message>
    <message>
        <source>Theme follows the operating system</source>
        <translation>Design folgt dem Betriebssystem</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Design</translation>
    </message>
    <message>
        <source>Theme:</source>
        <translation>Design:</translation>
    </message>
    <message>
        <source>TLS CA certificate</source>
        <translation>TLS-CA-Zertifikat</translation>
    </message>
    <message>
        <source>PEM file (optional; the system&apos;s store is always used)</source>
        <translation>PEM-Datei (optional; der Zertifikatspeicher des Systems wird immer verwendet)</translation>
    </message>
    <message>
        <source>A CA (or an appliance&apos;s own certificate) to trust for https:// and wss:// servers; names and IP addresses in it are checked</source>
        <translation>Eine CA (oder das eigene Zertifikat einer Appliance), der für https://- und wss://-Server vertraut wird; Namen und IP-Adressen darin werden geprüft</translation>
    </message>
    <message>
        <source>TLS CA certificate:</source>
        <translation>TLS-CA-Zertifikat:</translation>
    </message>
    <message numerus="yes">
        <source>Forget %n trusted certificate(s)</source>
        <translation>
            <numerusform>%n vertrautes Zertifikat vergessen</numerusform>
            <numerusform>%n vertraute Zertifikate vergessen</numerusform>
        </translation>
    </message>
    <message>
        <source>Forget trusted certificates</source>
        <translation>Vertraute Zertifikate vergessen</translation>
    </message>
    <message>
        <source>VNC CA certificate</source>
        <translation>VNC-CA-Zertifikat</translation>
    </message>
    <message>
        <source>PEM file (only for VeNCrypt X509 consoles)</source>
        <translation>PEM-Datei (nur für VeNCrypt-X509-Konsolen)</translation>
    </message>
    <message>
        <source>The CA that signed the hypervisors&apos; VNC certificates (QEMU tls-creds-x509)</source>
        <translation>Die CA, die die VNC-Zertifikate der Hypervisoren signiert hat (QEMU tls-creds-x509)</translation>
    </message>
    <message>
        <source>VNC CA certificate:</source>
        <translation>VNC-CA-Zertifikat:</translation>
    </message>
    <message>
        <source>VNC username</source>
        <translation>VNC-Benutzername</translation>
    </message>
    <message>
        <source>only for VeNCrypt Plain consoles</source>
        <translation>nur für VeNCrypt-Plain-Konsolen</translation>
    </message>
    <message>
        <source>VNC username:</source>
        <translation>VNC-Benutzername:</translation>
    </message>
    <message>
        <source>Encoding, quality and compression apply when a console next connects.</source>
        <translation>Kodierung, Qualität und Kompression gelten ab der nächsten Verbindung einer Konsole.</translation>
    </message>
    <message>
        <source>Trusted certificates will be forgotten</source>
        <translation>Vertraute Zertifikate werden vergessen</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Open a console (address or qvmrc:// link)</source>
        <extracomment>(keys, what they do): the app&apos;s own shortcuts and the console&apos;s keys.</extracomment>
        <translation>Eine Konsole öffnen (Adresse oder qvmrc://-Link)</translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Show or hide the sidebar</source>
        <translation>Seitenleiste zeigen oder verbergen</translation>
    </message>
    <message>
        <source>Fullscreen console (also while the keyboard is grabbed)</source>
        <translation>Konsole im Vollbild (auch während die Tastatur gefangen ist)</translation>
    </message>
    <message>
        <source>Debug panel: log, statistics, Copy diagnostics, Record session</source>
        <translation>Debug-Bereich: Protokoll, Statistik, Diagnose kopieren, Sitzung aufzeichnen</translation>
    </message>
    <message>
        <source>Click in the console</source>
        <translation>Klick in die Konsole</translation>
    </message>
    <message>
        <source>Grab the keyboard (and the pointer when the VM&apos;s pointer is relative)</source>
        <translation>Tastatur fangen (und den Zeiger, wenn der Zeiger der VM relativ ist)</translation>
    </message>
    <message>
        <source>Ctrl+Alt (press and release)</source>
        <translation>Strg+Alt (drücken und loslassen)</translation>
    </message>
    <message>
        <source>Release the keyboard and pointer grab</source>
        <translation>Tastatur und Zeiger freigeben</translation>
    </message>
    <message>
        <source>Send key (console toolbar)</source>
        <translation>Taste senden (Werkzeugleiste der Konsole)</translation>
    </message>
    <message>
        <source>Ctrl+Alt+Del, Ctrl+Alt+Backspace, Ctrl+Alt+F1…F12 to the VM</source>
        <translation>Strg+Alt+Entf, Strg+Alt+Rücktaste, Strg+Alt+F1…F12 an die VM</translation>
    </message>
    <message>
        <source>Double-click a VM</source>
        <translation>Doppelklick auf eine VM</translation>
    </message>
    <message>
        <source>Open its console in a tab (or focus the open one)</source>
        <translation>Ihre Konsole in einem Tab öffnen (oder den offenen zeigen)</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>Search VMs</source>
        <translation>VMs suchen</translation>
    </message>
    <message>
        <source>Shows only the VMs and control planes whose name or id contains this text</source>
        <translation>Zeigt nur VMs und Control Planes, deren Name oder ID diesen Text enthält</translation>
    </message>
    <message>
        <source>Clear search</source>
        <translation>Suche leeren</translation>
    </message>
    <message>
        <source>Add a control plane or open a console</source>
        <translation>Control Plane hinzufügen oder Konsole öffnen</translation>
    </message>
    <message>
        <source>Add control plane…</source>
        <translation>Control Plane hinzufügen…</translation>
    </message>
    <message>
        <source>Connect to…</source>
        <translation>Verbinden mit…</translation>
    </message>
    <message>
        <source>Control planes and VMs</source>
        <translation>Control Planes und VMs</translation>
    </message>
    <message>
        <source>Enter opens the console of the selected VM; the context menu has power and edit actions</source>
        <translation>Eingabe öffnet die Konsole der gewählten VM; das Kontextmenü enthält Energie- und Bearbeitungsaktionen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Columns of the VM list</source>
        <translation>Spalten der VM-Liste</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Gestoppt</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Ruhezustand</translation>
    </message>
    <message>
        <source>Crashed</source>
        <translation>Abgestürzt</translation>
    </message>
    <message>
        <source>Migrating</source>
        <translation>Wird migriert</translation>
    </message>
    <message>
        <source>Provisioning</source>
        <translation>Wird bereitgestellt</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>Gelöscht</translation>
    </message>
    <message>
        <source>The control plane no longer lists this VM; right-click › Remove from list</source>
        <translation>Die Control Plane führt diese VM nicht mehr; Rechtsklick › Aus Liste entfernen</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>nicht erreichbar</translation>
    </message>
    <message>
        <source>Open console</source>
        <translation>Konsole öffnen</translation>
    </message>
    <message>
        <source>Remove from list</source>
        <translation>Aus Liste entfernen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Bearbeiten…</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>Entfernen…</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Open qvmrc:// links from the web UI with QVMRC?</source>
        <translation>qvmrc://-Links aus der Web-Oberfläche mit QVMRC öffnen?</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>Links</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; Then “Open console” in the web UI opens it here.</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; Dann öffnet „Konsole öffnen“ in der Web-Oberfläche sie hier.</translation>
    </message>
    <message>
        <source>Open links with QVMRC</source>
        <translation>Links mit QVMRC öffnen</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Nicht jetzt</translation>
    </message>
    <message>
        <source>Do not open links with QVMRC now</source>
        <translation>Links jetzt nicht mit QVMRC öffnen</translation>
    </message>
    <message>
        <source>qvmrc:// and qvmc:// links now open QVMRC</source>
        <translation>qvmrc://- und qvmc://-Links öffnen jetzt QVMRC</translation>
    </message>
    <message>
        <source>Where should tokens be kept?</source>
        <translation>Wo sollen Tokens aufbewahrt werden?</translation>
    </message>
    <message>
        <source>No system keyring is available (Secret Service, Keychain or Credential Locker), so QVMRC cannot store tokens safely.</source>
        <translation>Kein Schlüsselbund des Systems ist verfügbar (Secret Service, Schlüsselbund oder Anmeldeinformationsverwaltung), daher kann QVMRC Tokens nicht sicher speichern.</translation>
    </message>
    <message>
        <source>Keep them for this session only (asked again after a restart), or save them in {0} — readable only by you, but NOT encrypted.</source>
        <translation>Nur für diese Sitzung behalten (nach einem Neustart wird erneut gefragt) oder in {0} speichern — nur für Sie lesbar, aber NICHT verschlüsselt.</translation>
    </message>
    <message>
        <source>This session only</source>
        <translation>Nur diese Sitzung</translation>
    </message>
    <message>
        <source>Save in a file (not encrypted)</source>
        <translation>In einer Datei speichern (nicht verschlüsselt)</translation>
    </message>
</context>
<context>
    <name>StateOverlay</name>
    <message>
        <source>Start VM</source>
        <translation>VM starten</translation>
    </message>
    <message>
        <source>Resume VM</source>
        <translation>VM fortsetzen</translation>
    </message>
    <message>
        <source>Trust this certificate…</source>
        <translation>Diesem Zertifikat vertrauen…</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>Reconnect</source>
        <translation>Neu verbinden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Connect to…</source>
        <translation>&amp;Verbinden mit…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Add control plane…</source>
        <translation>Control Plane &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Sidebar</source>
        <translation>&amp;Seitenleiste</translation>
    </message>
    <message>
        <source>&amp;Fullscreen</source>
        <translation>&amp;Vollbild</translation>
    </message>
    <message>
        <source>Fullscreen &amp;on</source>
        <translation>Vollbild &amp;auf</translation>
    </message>
    <message>
        <source>&amp;Debug panel</source>
        <translation>&amp;Debug-Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>&amp;About QVMRC</source>
        <translation>&amp;Über QVMRC</translation>
    </message>
</context>
<context>
    <name>Zoom</name>
    <message>
        <source>Fit</source>
        <extracomment>Scale control entries: (label, mode). 100% is the existing &quot;1:1&quot; mode. Show a label through QCoreApplication.translate(&quot;Zoom&quot;, label).</extracomment>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>Fill</source>
        <translation>Füllen</translation>
    </message>
</context>
<context>
    <name>_SliderRow</name>
    <message>
        <source>{0} on</source>
        <extracomment>(label, encoding) choices for &quot;Preferred encoding&quot;.</extracomment>
        <translation>{0} an</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Old qvmc client</source>
        <translation>Alter qvmc-Client</translation>
    </message>
</context>
<context>
    <name>cursor_actions</name>
    <message>
        <source>Show &amp;local cursor</source>
        <translation>&amp;Lokalen Zeiger zeigen</translation>
    </message>
    <message>
        <source>Draw the pointer locally (the server&apos;s cursor shape); off: only what the guest paints</source>
        <translation>Den Zeiger lokal zeichnen (Zeigerform des Servers); aus: nur was der Gast zeichnet</translation>
    </message>
    <message>
        <source>&amp;Dot when the guest hides its cursor</source>
        <translation>&amp;Punkt, wenn der Gast seinen Zeiger verbirgt</translation>
    </message>
    <message>
        <source>Show a small dot instead of nothing when the server sends an empty cursor</source>
        <translation>Einen kleinen Punkt statt nichts zeigen, wenn der Server einen leeren Zeiger sendet</translation>
    </message>
</context>
<context>
    <name>dialogs</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>media</name>
    <message>
        <source>Give the path of the ISO image on the platform&apos;s storage.</source>
        <translation>Geben Sie den Pfad des ISO-Abbilds im Speicher der Plattform an.</translation>
    </message>
    <message>
        <source>That path is longer than {0} characters.</source>
        <translation>Der Pfad ist länger als {0} Zeichen.</translation>
    </message>
    <message>
        <source>The path contains control characters.</source>
        <translation>Der Pfad enthält Steuerzeichen.</translation>
    </message>
    <message>
        <source>this control plane does not offer CD/DVD media (MountISO/EjectISO)</source>
        <translation>diese Steuerungsebene bietet keine CD/DVD-Medien an (MountISO/EjectISO)</translation>
    </message>
    <message>
        <source>{0} — check the API token of this control plane</source>
        <translation>{0} — prüfen Sie das API-Token dieser Steuerungsebene</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}: {1}</translation>
    </message>
</context>
</TS>
