/* Checks a record's ledger proof in the browser, with nothing but WebCrypto.
 *
 * The hashing follows junkan/ledger/merkle.py (RFC 9162): leaf = SHA-256(0x00 || leaf_data),
 * node = SHA-256(0x01 || left || right). The tree head signature is Ed25519 over the canonical
 * JSON {"root_hash","timestamp","tree_size"} (junkan/ledger/service.py tree_head_message),
 * checked with the node's public key where the browser offers Ed25519 in WebCrypto.
 * Without JavaScript the page keeps its link to the proof JSON.
 */
(function () {
  "use strict";
  var subtle = window.crypto && window.crypto.subtle;
  var encoder = new TextEncoder();

  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  function fromHex(text) {
    if (typeof text !== "string" || !/^([0-9a-f]{2})*$/.test(text)) {
      throw new Error("not lower-case hex");
    }
    var out = new Uint8Array(text.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
    return out;
  }

  function fromBase64url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function concat(parts) {
    var size = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(size);
    var at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  async function sha256(bytes) {
    return new Uint8Array(await subtle.digest("SHA-256", bytes));
  }

  function leafHash(leafData) {
    return sha256(concat([new Uint8Array([0]), encoder.encode(leafData)]));
  }

  function nodeHash(left, right) {
    return sha256(concat([new Uint8Array([1]), left, right]));
  }

  /* RFC 9162 2.1.3.2, as merkle.verify_inclusion: the root the audit path leads to, or null. */
  async function rootFromPath(index, size, leaf, path) {
    if (!(index >= 0 && index < size)) return null;
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < path.length; i++) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(path[i], r);
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        r = await nodeHash(r, path[i]);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  /* The server's format_time: UTC with six fraction digits and "Z". */
  function formatTime(text) {
    var m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|\+00:00)$/.exec(text);
    if (!m) throw new Error("unexpected time " + text);
    return m[1] + "." + (m[2] || "").padEnd(6, "0") + "Z";
  }

  function treeHeadMessage(head) {
    return '{"root_hash":' + JSON.stringify(head.root_hash) + ',"timestamp":' +
      JSON.stringify(formatTime(head.timestamp)) + ',"tree_size":' + Number(head.tree_size) + "}";
  }

  async function ed25519Available() {
    try {
      await subtle.importKey("raw", new Uint8Array(32), { name: "Ed25519" }, false, ["verify"]);
      return true;
    } catch (e) {
      return e && e.name !== "NotSupportedError";
    }
  }

  /* Checks `ledger` (the `ledger` member of GET /passports/{id}?proof=true) for `subject`.
     `keys` is the data of GET /ledger/keys. Returns {ok, checks: [{check, ok, detail}]}. */
  async function verifyRecord(ledger, keys, subject) {
    var checks = [];
    function add(check, ok, detail) { checks.push({ check: check, ok: ok, detail: detail || "" }); }
    try {
      var proof = ledger.proof, entry = ledger.entry, head = proof.tree_head;
      var leafFields = JSON.parse(ledger.leaf_data);
      var same = leafFields.subject === subject && leafFields.subject === entry.subject &&
        leafFields.seq === entry.seq && leafFields.kind === entry.kind &&
        leafFields.payload_sha256 === entry.payload_sha256 && proof.leaf_index === entry.seq - 1;
      add("subject", same, subject + " · #" + entry.seq + " " + entry.kind);

      var leaf = await leafHash(ledger.leaf_data);
      add("leaf", hex(leaf) === proof.leaf_hash, hex(leaf).slice(0, 16) + "…");

      var root = await rootFromPath(
        proof.leaf_index, proof.tree_size, leaf, proof.hashes.map(fromHex));
      var rootOk = root !== null && head != null && hex(root) === proof.root_hash &&
        hex(root) === head.root_hash && head.tree_size === proof.tree_size;
      add("root", rootOk, (root ? hex(root).slice(0, 16) + "…" : "—") + " / " + proof.tree_size);

      if (await ed25519Available()) {
        var key = (keys || []).find(function (k) { return k.key_id === head.key_id; });
        var signed = false;
        if (key && key.custody === "platform" && !key.revoked_at) {
          var publicKey = await subtle.importKey(
            "raw", fromBase64url(key.public_key), { name: "Ed25519" }, false, ["verify"]);
          signed = await subtle.verify(
            { name: "Ed25519" }, publicKey, fromBase64url(head.signature),
            encoder.encode(treeHeadMessage(head)));
        }
        add("signature", signed, head.key_id);
      } else {
        add("no-ed25519", null, "");
      }
    } catch (e) {
      add("subject", false, String(e && e.message || e));
    }
    var ok = checks.length > 0 && checks.every(function (c) { return c.ok !== false; });
    return { ok: ok, checks: checks };
  }

  async function show(mark) {
    var text = function (name) { return mark.dataset["text" + name] || name; };
    var status = mark.querySelector(".mark");
    var list = mark.querySelector(".checks");
    status.textContent = text("Checking");
    var result;
    try {
      var responses = await Promise.all([
        fetch(mark.dataset.proofUrl, { headers: { Accept: "application/json" } }),
        fetch(mark.dataset.keysUrl, { headers: { Accept: "application/json" } }),
      ]);
      if (!responses[0].ok || !responses[1].ok) throw new Error("HTTP " + responses[0].status);
      var record = await responses[0].json();
      var keys = await responses[1].json();
      if (!record.ledger) throw new Error("no ledger entry");
      result = await verifyRecord(record.ledger, keys.data, mark.dataset.subject);
    } catch (e) {
      result = { ok: false, checks: [{ check: "unavailable", ok: false, detail: String(e.message || e) }] };
    }
    var names = {
      subject: "Subject", leaf: "Leaf", root: "Root", signature: "Signature",
      "no-ed25519": "NoEd25519", unavailable: "Unavailable",
    };
    status.textContent = result.ok ? text("Verified") : text("Failed");
    status.className = "mark " + (result.ok ? "ok" : "failed");
    mark.dataset.verified = result.ok ? "true" : "false";
    list.textContent = "";
    result.checks.forEach(function (c) {
      var item = document.createElement("li");
      var sign = c.ok === true ? "✓ " : c.ok === false ? "✗ " : "– ";
      item.textContent = sign + text(names[c.check]) + (c.detail ? " (" + c.detail + ")" : "");
      list.appendChild(item);
    });
  }

  window.junkanVerify = { verifyRecord: verifyRecord, treeHeadMessage: treeHeadMessage };
  if (!subtle) return;
  document.querySelectorAll("[data-proof-url]").forEach(function (mark) { show(mark); });
})();
