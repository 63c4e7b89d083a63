<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
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
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sends {0}</source>
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
</TS>
