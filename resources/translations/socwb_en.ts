<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>QObject</name>
    <message numerus="yes">
        <source>%Ln long-lived session(s), cadence unmeasurable</source>
        <translation>
            <numerusform>%Ln long-lived session, cadence unmeasurable</numerusform>
            <numerusform>%Ln long-lived sessions, cadence unmeasurable</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sigma: %n rule(s) matched %1 of this channel&apos;s rows: %2</source>
        <translation>
            <numerusform>Sigma: %n rule matched %1 of this channel&apos;s rows: %2</numerusform>
            <numerusform>Sigma: %n rules matched %1 of this channel&apos;s rows: %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n channel(s) reported</source>
        <translation>
            <numerusform>%n channel reported</numerusform>
            <numerusform>%n channels reported</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>socwb::AlertQueueDock</name>
    <message numerus="yes">
        <source>%n channel(s)</source>
        <translation>
            <numerusform>%n channel</numerusform>
            <numerusform>%n channels</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> · %n Sigma item(s)</source>
        <translation>
            <numerusform> · %n Sigma item</numerusform>
            <numerusform> · %n Sigma items</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> · %n selected</source>
        <translation>
            <numerusform> · %n selected</numerusform>
            <numerusform> · %n selected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Change %n channels</source>
        <translation>
            <numerusform>Change %n channel</numerusform>
            <numerusform>Change %n channels</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 on %n selected channels?</source>
        <translation>
            <numerusform>%1 on the selected channel?</numerusform>
            <numerusform>%1 on %n selected channels?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Why are these %n channel(s) benign? A colleague or an auditor will read this.</source>
        <translation>
            <numerusform>Why is this channel benign? A colleague or an auditor will read this.</numerusform>
            <numerusform>Why are these %n channels benign? A colleague or an auditor will read this.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>status %1 on %n channel(s)</source>
        <translation>
            <numerusform>status %1 on %n channel</numerusform>
            <numerusform>status %1 on %n channels</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Note on %n channel(s):</source>
        <translation>
            <numerusform>Note on %n channel:</numerusform>
            <numerusform>Note on %n channels:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>note on %n channel(s)</source>
        <translation>
            <numerusform>note on %n channel</numerusform>
            <numerusform>note on %n channels</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>tags on %n channel(s)</source>
        <translation>
            <numerusform>tags on %n channel</numerusform>
            <numerusform>tags on %n channels</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>socwb::AlertTableModel</name>
    <message numerus="yes">
        <source>%n row(s)</source>
        <translation>
            <numerusform>%n row</numerusform>
            <numerusform>%n rows</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>socwb::CaseOverviewWidget</name>
    <message numerus="yes">
        <source>%Ln proxy request(s)</source>
        <translation>
            <numerusform>%Ln proxy request</numerusform>
            <numerusform>%Ln proxy requests</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln DNS queries</source>
        <translation>
            <numerusform>%Ln DNS query</numerusform>
            <numerusform>%Ln DNS queries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln Sysmon event(s)</source>
        <translation>
            <numerusform>%Ln Sysmon event</numerusform>
            <numerusform>%Ln Sysmon events</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln process(es)</source>
        <translation>
            <numerusform>%Ln process</numerusform>
            <numerusform>%Ln processes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln host(s)</source>
        <translation>
            <numerusform>%Ln host</numerusform>
            <numerusform>%Ln hosts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln alert(s)</source>
        <translation>
            <numerusform>%Ln alert</numerusform>
            <numerusform>%Ln alerts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln rejected line(s)</source>
        <translation>
            <numerusform>%Ln rejected line</numerusform>
            <numerusform>%Ln rejected lines</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln connection(s)</source>
        <translation>
            <numerusform>%Ln connection</numerusform>
            <numerusform>%Ln connections</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln TLS session(s)</source>
        <translation>
            <numerusform>%Ln TLS session</numerusform>
            <numerusform>%Ln TLS sessions</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>socwb::Cli</name>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n record(s)</source>
        <translation>
            <numerusform>%n record</numerusform>
            <numerusform>%n records</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n request(s)</source>
        <translation>
            <numerusform>%n request</numerusform>
            <numerusform>%n requests</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n channel(s)</source>
        <translation>
            <numerusform>%n channel</numerusform>
            <numerusform>%n channels</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n indicator(s)</source>
        <translation>
            <numerusform>%n indicator</numerusform>
            <numerusform>%n indicators</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n object(s)</source>
        <translation>
            <numerusform>%n object</numerusform>
            <numerusform>%n objects</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n attribute(s)</source>
        <translation>
            <numerusform>%n attribute</numerusform>
            <numerusform>%n attributes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n destination(s)</source>
        <translation>
            <numerusform>%n destination</numerusform>
            <numerusform>%n destinations</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n endpoint shape(s)</source>
        <translation>
            <numerusform>%n endpoint shape</numerusform>
            <numerusform>%n endpoint shapes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n evidence file(s)</source>
        <translation>
            <numerusform>%n evidence file</numerusform>
            <numerusform>%n evidence files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s)</source>
        <translation>
            <numerusform>%n rule</numerusform>
            <numerusform>%n rules</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s) had already expired and were left out</source>
        <translation>
            <numerusform>%n rule had already expired and was left out</numerusform>
            <numerusform>%n rules had already expired and were left out</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s) the case already has in force were left out</source>
        <translation>
            <numerusform>%n rule the case already has in force was left out</numerusform>
            <numerusform>%n rules the case already has in force were left out</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hit(s)</source>
        <translation>
            <numerusform>%n hit</numerusform>
            <numerusform>%n hits</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n channels score below it</source>
        <translation>
            <numerusform>%n channel scores below it</numerusform>
            <numerusform>%n channels score below it</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>socwb::ExercisePanel</name>
    <message numerus="yes">
        <source>%n look-alike channel(s) got no verdict (no points, no penalty).</source>
        <translation>
            <numerusform>%n look-alike channel got no verdict (no points, no penalty).</numerusform>
            <numerusform>%n look-alike channels got no verdict (no points, no penalty).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>socwb::HuntDialog</name>
    <message numerus="yes">
        <source>%n destination(s)</source>
        <translation>
            <numerusform>%n destination</numerusform>
            <numerusform>%n destinations</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n endpoint shape(s)</source>
        <translation>
            <numerusform>%n endpoint shape</numerusform>
            <numerusform>%n endpoint shapes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>socwb::ImportPreviewDialog</name>
    <message numerus="yes">
        <source>Reading the first lines of %n file(s)…</source>
        <translation>
            <numerusform>Reading the first lines of %n file…</numerusform>
            <numerusform>Reading the first lines of %n files…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) to import (%1 in %2).</source>
        <translation>
            <numerusform>%n file to import (%1 in %2).</numerusform>
            <numerusform>%n files to import (%1 in %2).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n member(s)</source>
        <translation>
            <numerusform>%n member</numerusform>
            <numerusform>%n members</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n archive(s)</source>
        <translation>
            <numerusform>%n archive</numerusform>
            <numerusform>%n archives</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) to import.</source>
        <translation>
            <numerusform>%n file to import.</numerusform>
            <numerusform>%n files to import.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) matched no format: choose one or leave them out.</source>
        <translation>
            <numerusform>%n file matched no format: choose one or leave it out.</numerusform>
            <numerusform>%n files matched no format: choose one or leave them out.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) log the server&apos;s local time: choose the zone of each (Time zone column) before importing.</source>
        <translation>
            <numerusform>%n file logs the server&apos;s local time: choose its zone (Time zone column) before importing.</numerusform>
            <numerusform>%n files log the server&apos;s local time: choose the zone of each (Time zone column) before importing.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>socwb::MainWindow</name>
    <message numerus="yes">
        <source>%n background task(s) running</source>
        <translation>
            <numerusform>%n background task running</numerusform>
            <numerusform>%n background tasks running</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n rejected</source>
        <translation>
            <numerusform>%n rejected</numerusform>
            <numerusform>%n rejected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s) could not be compiled for this case and were not run. Show Details for each rule&apos;s reason.</source>
        <translation>
            <numerusform>%n rule could not be compiled for this case and was not run. Show Details for each rule&apos;s reason.</numerusform>
            <numerusform>%n rules could not be compiled for this case and were not run. Show Details for each rule&apos;s reason.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n suppression rule(s) added; re-scoring…</source>
        <translation>
            <numerusform>%n suppression rule added; re-scoring…</numerusform>
            <numerusform>%n suppression rules added; re-scoring…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>suppress similar (%n rule(s))</source>
        <translation>
            <numerusform>suppress similar (%n rule)</numerusform>
            <numerusform>suppress similar (%n rules)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n queue item(s) written</source>
        <translation>
            <numerusform>%n queue item written</numerusform>
            <numerusform>%n queue items written</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) written</source>
        <translation>
            <numerusform>%n request written</numerusform>
            <numerusform>%n requests written</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln evidence file(s)</source>
        <translation>
            <numerusform>%Ln evidence file</numerusform>
            <numerusform>%Ln evidence files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln event(s)</source>
        <translation>
            <numerusform>%Ln event</numerusform>
            <numerusform>%Ln events</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln channel(s) scored</source>
        <translation>
            <numerusform>%Ln channel scored</numerusform>
            <numerusform>%Ln channels scored</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>socwb::SigmaDetailWidget</name>
    <message numerus="yes">
        <source>%n row(s) matched</source>
        <translation>
            <numerusform>%n row matched</numerusform>
            <numerusform>%n rows matched</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>socwb::SuppressSimilarDialog</name>
    <message numerus="yes">
        <source>Channels like the %n selected (same process and destination) leave the default queue. Where?</source>
        <translation>
            <numerusform>Channels like the selected one (same process and destination) leave the default queue. Where?</numerusform>
            <numerusform>Channels like the %n selected (same process and destination) leave the default queue. Where?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: hides %n channel(s)</source>
        <translation>
            <numerusform>%1: hides %n channel</numerusform>
            <numerusform>%1: hides %n channels</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n above medium</source>
        <translation>
            <numerusform>, %n above medium</numerusform>
            <numerusform>, %n above medium</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>socwb::SuppressionDialog</name>
    <message numerus="yes">
        <source>%n rule(s) imported; left out: %1.</source>
        <translation>
            <numerusform>%n rule imported; left out: %1.</numerusform>
            <numerusform>%n rules imported; left out: %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>socwb::SuspicionDelegate</name>
    <message numerus="yes">
        <source>%1  (%n suspicious below)</source>
        <translation>
            <numerusform>%1  (%n suspicious below)</numerusform>
            <numerusform>%1  (%n suspicious below)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>socwb::TaskPanel</name>
    <message numerus="yes">
        <source>%Ln evidence file(s)</source>
        <translation>
            <numerusform>%Ln evidence file</numerusform>
            <numerusform>%Ln evidence files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> and %Ln scored channel(s)</source>
        <translation>
            <numerusform> and %Ln scored channel</numerusform>
            <numerusform> and %Ln scored channels</numerusform>
        </translation>
    </message>
</context>
</TS>
