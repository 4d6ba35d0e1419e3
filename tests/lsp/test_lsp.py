#!/usr/bin/env python3
"""A scripted LSP client for `onoma lsp`: initialize, didOpen,
publishDiagnostics, didChange, codeAction (quick fix and fix all),
shutdown, exit; position encodings (UTF-16 by default, UTF-8 when offered);
.onoma configuration; protocol errors.

    test_lsp.py ONOMA_BINARY

Prints one line per check and "N passed, M failed"; exits 1 when a check
failed or none ran. Standard library only."""
import json
import os
import subprocess
import sys
import tempfile

ONOMA = os.path.abspath(sys.argv[1])
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + str(detail) if detail else ""))


class Client:
    def __init__(self, *args, cwd=None):
        self.p = subprocess.Popen([ONOMA, "lsp", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, cwd=cwd)
        self.next_id = 0
        self.pending = []  # notifications received while waiting for a response

    def send_raw(self, body: bytes):
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def send(self, msg):
        msg = dict(msg, jsonrpc="2.0")
        self.send_raw(json.dumps(msg, ensure_ascii=False).encode("utf-8"))

    def read(self):
        headers = {}
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise EOFError("server closed its output")
            line = line.decode("ascii").rstrip("\r\n")
            if not line:
                break
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
        body = self.p.stdout.read(int(headers["content-length"]))
        return json.loads(body.decode("utf-8"))

    def request(self, method, params=None):
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params})
        while True:
            m = self.read()
            if m.get("id") == rid and "method" not in m:
                return m
            self.pending.append(m)

    def notify(self, method, params=None):
        self.send({"method": method, "params": params})

    def diagnostics(self, uri):
        """The next publishDiagnostics for uri (earlier ones skipped)."""
        while True:
            for i, m in enumerate(self.pending):
                if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                    del self.pending[: i + 1]
                    return m["params"]
            self.pending.append(self.read())

    def close(self):
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        return self.p.wait(timeout=30)


def utf16_col(line_text, byte_col):
    return len(line_text.encode("utf-8")[:byte_col].decode("utf-8").encode("utf-16-le")) // 2


def apply_edits(text, edits, enc):
    """Apply LSP TextEdits (non-overlapping) to text."""
    lines = text.split("\n")

    def offset(pos):
        line = lines[pos["line"]]
        ch = pos["character"]
        if enc == "utf-16":
            b = line.encode("utf-16-le")[: 2 * ch].decode("utf-16-le")
        elif enc == "utf-8":
            b = line.encode("utf-8")[:ch].decode("utf-8")
        else:
            b = line[:ch]
        return sum(len(l) + 1 for l in lines[: pos["line"]]) + len(b)

    spans = sorted(((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits),
                   reverse=True)
    for a, b, t in spans:
        text = text[:a] + t + text[b:]
    return text


tmp = tempfile.mkdtemp(prefix="onoma-lsp-")
doc_path = os.path.join(tmp, "notes.md")
uri = "file://" + doc_path
# Astral characters (two UTF-16 units each) and accented letters before the
# names, so that UTF-16, UTF-8 and code point columns all differ.
text = ("# Notes 𝔑𝔬𝔱𝔢𝔰\n"
        "Café 𝔘 — Suleimani met Abu Mahdi al-Mohandes in Teheran.\n"
        "\n"
        "```\n"
        "Suleimani in code stays.\n"
        "```\n"
        "Soleimanni is a near miss; `Soleymani` is code.\n")

# ------------------------------------------------------------- session 1: UTF-16
c = Client("--no-config", cwd=tmp)
r = c.request("textDocument/hover", {})
check("request before initialize is refused", r.get("error", {}).get("code") == -32002, r)
r = c.request("initialize", {"processId": None, "rootUri": "file://" + tmp, "capabilities": {}})
caps = r.get("result", {}).get("capabilities", {})
check("initialize: UTF-16 by default", caps.get("positionEncoding") == "utf-16", caps)
check("initialize: incremental sync", caps.get("textDocumentSync", {}).get("change") == 2, caps)
check("initialize: code actions", "quickfix" in caps.get("codeActionProvider", {}).get("codeActionKinds", []), caps)
check("initialize: server info", r["result"].get("serverInfo", {}).get("name") == "onoma", r)
c.notify("initialized", {})
c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
d = c.diagnostics(uri)
diags = d["diagnostics"]
check("publishDiagnostics carries the version", d.get("version") == 1, d)
msgs = [x["message"] for x in diags]
check("three warnings and one note", sorted(x["severity"] for x in diags) == [2, 2, 2, 3], msgs)
check("code block and code span not checked", all("Soleymani" not in m for m in msgs) and
      sum(1 for x in diags if x["range"]["start"]["line"] == 4) == 0, msgs)
line1 = text.split("\n")[1]
want = {}
for name in ["Suleimani", "Abu Mahdi al-Mohandes", "Teheran"]:
    b = line1.encode("utf-8").index(name.encode("utf-8"))
    want[name] = (utf16_col(line1, b), utf16_col(line1, b + len(name.encode("utf-8"))))
got = {}
for x in diags:
    if x["range"]["start"]["line"] == 1:
        got[x["message"].split("'")[1]] = (x["range"]["start"]["character"], x["range"]["end"]["character"])
check("ranges in UTF-16 code units", got == want, (got, want))
near = [x for x in diags if x["severity"] == 3]
check("near miss as information", near and "did you mean 'Soleimani'" in near[0]["message"] and
      near[0]["range"]["start"] == {"line": 6, "character": 0}, near)
check("diagnostics name their source and code", all(x.get("source") == "onoma" and x.get("code") for x in diags))

# code action on 'Teheran'
teh = [x for x in diags if "Teheran" in x["message"]][0]
r = c.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": teh["range"],
                                          "context": {"diagnostics": [teh]}})
acts = r.get("result", [])
quick = [a for a in acts if a["kind"] == "quickfix"]
check("a quick fix for the finding", len(quick) == 1 and quick[0]["title"] == "Replace 'Teheran' with 'Tehran'", acts)
fixed = apply_edits(text, quick[0]["edit"]["changes"][uri], "utf-16") if quick else ""
check("the quick fix's edit replaces exactly the name", fixed == text.replace("Teheran", "Tehran"))
fixall = [a for a in acts if a["kind"] == "source.fixAll.onoma"]
check("fix all in file offered", len(fixall) == 1, acts)
if fixall:
    all_fixed = apply_edits(text, fixall[0]["edit"]["changes"][uri], "utf-16")
    want_all = (text.replace("— Suleimani", "— Soleimani").replace("al-Mohandes", "al-Muhandis")
                .replace("Teheran", "Tehran"))
    check("fix all: every rewrite, not code, not the near miss", all_fixed == want_all, all_fixed)
r = c.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": near[0]["range"] if near else teh["range"],
                                          "context": {"diagnostics": [], "only": ["quickfix"]}})
acts = r.get("result", [])
check("near miss: a suggestion, never preferred; only=quickfix honoured",
      len(acts) == 1 and "Soleimani" in acts[0]["title"] and not acts[0].get("isPreferred") and
      acts[0]["kind"] == "quickfix", acts)

# incremental edit: insert an astral character before 'Teheran' and fix 'Suleimani' by hand
i = line1.index("Suleimani")
start16 = utf16_col(line1, len(line1[:i].encode("utf-8")))
c.notify("textDocument/didChange", {
    "textDocument": {"uri": uri, "version": 2},
    "contentChanges": [{"range": {"start": {"line": 1, "character": start16},
                                  "end": {"line": 1, "character": start16 + len("Suleimani")}},
                        "text": "Soleimani 😀"}]})
d = c.diagnostics(uri)
text2 = text.replace("— Suleimani", "— Soleimani 😀", 1)
line1b = text2.split("\n")[1]
check("after the change: version 2", d.get("version") == 2, d)
msgs2 = [x["message"] for x in d["diagnostics"]]
check("after the change: the fixed name is gone", not any("Suleimani" in m for m in msgs2), msgs2)
teh2 = [x for x in d["diagnostics"] if "Teheran" in x["message"]]
b = line1b.encode("utf-8").index(b"Teheran")
check("after the change: positions moved (UTF-16, astral = 2 units)",
      teh2 and teh2[0]["range"]["start"]["character"] == utf16_col(line1b, b), teh2)
# a full-text change
c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                    "contentChanges": [{"text": "Nothing to see.\n"}]})
d = c.diagnostics(uri)
check("full-text change: no diagnostics", d["diagnostics"] == [] and d["version"] == 3, d)
r = c.request("workspace/symbol", {"query": ""})
check("unknown request: MethodNotFound", r.get("error", {}).get("code") == -32601, r)
c.send_raw(b"{not json")
m = c.read()
check("malformed JSON: ParseError", m.get("error", {}).get("code") == -32700 and m.get("id") is None, m)
c.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
d = c.diagnostics(uri)
check("didClose clears the diagnostics", d["diagnostics"] == [], d)
r = c.request("shutdown", None)
check("shutdown answers null", "result" in r and r["result"] is None, r)
c.notify("exit", None)
check("exit after shutdown: status 0", c.close() == 0)

# ------------------------------------------------------ session 2: UTF-8, .onoma
with open(os.path.join(tmp, ".onoma"), "w", encoding="utf-8") as f:
    f.write("# project settings\nignore = Teheran\n")
c = Client(cwd=tmp)
r = c.request("initialize", {"processId": None, "rootUri": "file://" + tmp,
                             "capabilities": {"general": {"positionEncodings": ["utf-16", "utf-8"]}}})
check("UTF-8 chosen when the client offers it", r["result"]["capabilities"]["positionEncoding"] == "utf-8", r)
c.notify("initialized", {})
c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 7, "text": text}})
d = c.diagnostics(uri)
msgs = [x["message"] for x in d["diagnostics"]]
check(".onoma read: 'Teheran' ignored", msgs and not any("Teheran" in m for m in msgs), msgs)
sul = [x for x in d["diagnostics"] if "'Suleimani'" in x["message"]]
b = line1.encode("utf-8").index(b"Suleimani")
check("ranges in UTF-8 bytes", sul and sul[0]["range"]["start"]["character"] == b and
      sul[0]["range"]["end"]["character"] == b + 9, sul)
c.notify("exit", None)
check("exit without shutdown: status 1", c.close() == 1)

# --------------------------------------------- session 3: initializationOptions
c = Client("--no-config", cwd=tmp)
r = c.request("initialize", {"processId": None, "capabilities": {},
                             "initializationOptions": {"style": "ap", "fuzzy": True}})
c.notify("initialized", {})
u2 = "untitled:Untitled-1"
c.notify("textDocument/didOpen", {"textDocument": {"uri": u2, "languageId": "plaintext", "version": 1,
                                                   "text": "Qasem Suleimani and Soleimanni.\n"}})
d = c.diagnostics(u2)
msgs = [x["message"] for x in d["diagnostics"]]
check("initializationOptions: style ap", any("'Qassem Soleimani'" in m and "[style: ap]" in m for m in msgs), msgs)
check("initializationOptions: fuzzy makes the near miss a warning",
      any(x["severity"] == 2 and "did you mean" in x["message"] for x in d["diagnostics"]), d)
c.request("shutdown", None)
c.notify("exit", None)
check("session 3 exits cleanly", c.close() == 0)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
