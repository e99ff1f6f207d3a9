// libFuzzer harness for one input format (SOCWB_FUZZ_FORMAT): the bytes are written to a file,
// sniffed by every format, and parsed by this one into a sink that touches every field.
#include "ingest/read/format_registry.h"
#include "ingest/read/plausibility_filter.h"

#include <QCoreApplication>
#include <QFile>
#include <QTemporaryDir>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

struct TouchingSink : socwb::RecordSink {
    size_t bytes = 0;
    void touch(std::string_view s) {
        for (char c : s) {
            bytes += static_cast<unsigned char>(c);
        }
    }
    void proxy(const socwb::ProxyRecord& r) override {
        for (auto s : {r.clientIp, r.user, r.method, r.url, r.scheme, r.host, r.path, r.query, r.destIp, r.userAgent,
                       r.contentType, r.action, r.referrer}) {
            touch(s);
        }
    }
    void dns(const socwb::DnsRecord& r) override {
        for (auto s : {r.clientIp, r.qname, r.qtype, r.rcode, r.answers, r.ttls, r.serverIp, r.protocol}) {
            touch(s);
        }
    }
    void asset(const socwb::AssetRecord& r) override {
        for (auto s : {r.ip, r.hostname, r.role, r.owner}) {
            touch(s);
        }
    }
    void sysmon(const socwb::SysmonRecord& r) override {
        for (auto s : {r.computer, r.channel, r.provider}) {
            touch(s);
        }
        for (const auto& f : r.fields) {
            touch(f.name);
            touch(f.value);
        }
    }
    void connection(const socwb::ConnRecord& r) override {
        for (auto s : {r.uid, r.origIp, r.respIp, r.proto, r.service, r.state, r.history, r.sensor}) {
            touch(s);
        }
    }
    void tls(const socwb::TlsRecord& r) override {
        for (auto s : {r.uid, r.origIp, r.respIp, r.serverName, r.version, r.cipher, r.ja3, r.ja3s, r.ja4, r.ja4s,
                       r.subject, r.issuer, r.sensor}) {
            touch(s);
        }
    }
    void sensorAlert(const socwb::SensorAlertRecord& r) override {
        for (auto s : {r.uid, r.srcIp, r.destIp, r.proto, r.appProto, r.signature, r.category, r.action, r.sensor}) {
            touch(s);
        }
    }
    void reject(socwb::SourcePos, std::string_view reason, std::string_view raw) override {
        touch(reason);
        touch(raw);
    }
};

QString inputPath() {
    static QTemporaryDir dir;
    return dir.filePath(QStringLiteral("input"));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
    static QCoreApplication app(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QString path = inputPath();
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            std::abort();
        }
        f.write(reinterpret_cast<const char*>(data), static_cast<qint64>(size));
    }
    const socwb::SniffSample sample = socwb::readSniffSample(path);
    (void)socwb::detectFormat(sample);

    const socwb::FormatInfo* format = socwb::findFormat(QStringLiteral(SOCWB_FUZZ_FORMAT));
    if (!format) {
        std::abort();
    }
    try {
        auto parser = format->create(socwb::ParserOptions{});
        socwb::InputReader in(path);
        TouchingSink sink;
        socwb::PlausibilityFilter checked(sink); // as an import runs it: the check is fuzzed too
        parser->parse(in, checked, {});
    } catch (const std::runtime_error&) {
        // A file-level refusal ("no #fields header") is a valid outcome, not a bug.
    }
    return 0;
}
