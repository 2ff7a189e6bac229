// Automatic saving of answers, live conditions and legislation rows for the section page.
// The page works without this file (the Save button posts the whole section); with it, each answer is
// saved within about two seconds of a change and when leaving the field, kept in this browser until the
// server has acknowledged it, retried when the connection or the session comes back, and a change made
// meanwhile by someone else is shown instead of being overwritten.
(() => {
  "use strict";

  const form = document.querySelector("form.section-form");
  if (!form) return;
  const readonly = form.hasAttribute("data-readonly");
  const base = form.dataset.autosaveBase;
  const responseId = form.dataset.response;
  const statusBox = document.querySelector("[data-save-status]");
  const template = document.getElementById("autosave-messages");
  const formToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  // Signing in again (for instance in another tab after the session expired) rotates the token: read
  // the cookie at each request so that waiting saves go through afterwards.
  const csrf = () => {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : formToken;
  };
  const DEBOUNCE_MS = 1500;
  const pending = new Map(); // code -> timer
  const inFlight = new Set();
  const failed = new Map(); // code -> attempt count
  let retryTimer = null;

  const msg = (key) => {
    const node = template && template.content.querySelector(`[data-msg="${key}"]`);
    return node ? node.textContent : key;
  };
  const cards = () => Array.from(form.querySelectorAll(".question-card"));
  const cardFor = (code) => form.querySelector(`.question-card[data-question="${CSS.escape(code)}"]`);
  const draftKey = (code) => `omnibus:draft:${responseId}:${code}`;

  function setStatus(key, kind) {
    if (!statusBox) return;
    statusBox.hidden = false;
    statusBox.textContent = msg(key);
    statusBox.className = `save-status small mb-0 text-${kind}`;
  }

  function setCardStatus(card, key, kind) {
    const box = card.querySelector("[data-question-status]");
    if (box) {
      box.textContent = key ? msg(key) : "";
      box.className = `small mb-0 question-status text-${kind || "body-secondary"}`;
    }
  }

  function fieldsOf(card) {
    const code = card.dataset.question;
    return Array.from(form.elements).filter(
      (el) => el.name && el.name.startsWith(`${code}-`) && el.type !== "file" && card.contains(el),
    );
  }

  function snapshot(card) {
    const pairs = [];
    for (const el of fieldsOf(card)) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      pairs.push([el.name, el.value]);
    }
    return pairs;
  }

  function baseVersionInput(card) {
    return form.querySelector(`input[name="${CSS.escape(card.dataset.question)}-base_version"]`);
  }

  function keepDraft(card) {
    try {
      localStorage.setItem(
        draftKey(card.dataset.question),
        JSON.stringify({ fields: snapshot(card), at: Date.now() }),
      );
    } catch (_e) {
      // Private mode or a full storage: saving still works, only the offline copy is missing.
    }
  }

  function dropDraft(code) {
    try {
      localStorage.removeItem(draftKey(code));
    } catch (_e) {
      /* nothing kept */
    }
  }

  function restoreDrafts() {
    for (const card of cards()) {
      let draft = null;
      try {
        draft = JSON.parse(localStorage.getItem(draftKey(card.dataset.question)) || "null");
      } catch (_e) {
        draft = null;
      }
      if (!draft || !Array.isArray(draft.fields)) continue;
      const values = new Map();
      for (const [name, value] of draft.fields) {
        if (!values.has(name)) values.set(name, []);
        values.get(name).push(value);
      }
      // The draft's base version is restored too: if the answer changed on the server since, saving
      // the draft is reported as a conflict instead of silently replacing the newer answer.
      for (const el of fieldsOf(card)) {
        const wanted = values.get(el.name) || [];
        if (el.type === "radio" || el.type === "checkbox") el.checked = wanted.includes(el.value);
        else if (wanted.length) el.value = wanted[0];
        else if (el.tagName !== "SELECT") el.value = "";
      }
      schedule(card.dataset.question, 0);
    }
    applyConditions();
  }

  function unsaved() {
    return pending.size > 0 || inFlight.size > 0 || failed.size > 0;
  }

  function schedule(code, delay = DEBOUNCE_MS) {
    clearTimeout(pending.get(code));
    pending.set(
      code,
      setTimeout(() => {
        pending.delete(code);
        save(code);
      }, delay),
    );
  }

  function scheduleRetry() {
    if (retryTimer) return;
    const attempts = Math.max(...Array.from(failed.values()), 1);
    const delay = Math.min(2000 * 2 ** (attempts - 1), 60000);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      for (const code of Array.from(failed.keys())) save(code);
    }, delay);
  }

  function showErrors(card, errors) {
    card.querySelectorAll(".autosave-error").forEach((n) => n.remove());
    const box = document.createElement("div");
    box.className = "alert alert-danger py-1 small autosave-error";
    box.setAttribute("role", "alert");
    box.textContent = Object.values(errors || {})
      .flat()
      .map((e) => e.message)
      .join(" ");
    card.querySelector(".card-body").prepend(box);
  }

  function showConflict(card, data) {
    card.querySelectorAll(".autosave-conflict").forEach((n) => n.remove());
    const panel = document.createElement("div");
    panel.className = "alert alert-warning small autosave-conflict";
    panel.setAttribute("role", "alert");
    const title = document.createElement("p");
    title.className = "mb-1 fw-semibold";
    title.textContent = `${msg("conflict")} ${data.by ? `(${data.by})` : ""}`;
    const label = document.createElement("p");
    label.className = "mb-1";
    label.textContent = msg("theirs-label");
    const theirs = document.createElement("div");
    theirs.className = "bg-white border p-2 mb-2";
    // Rendered and escaped by the server's template.
    theirs.innerHTML = data.theirs;
    const keep = document.createElement("button");
    keep.type = "button";
    keep.className = "btn btn-warning btn-sm me-2";
    keep.textContent = msg("keep-mine");
    keep.addEventListener("click", () => {
      baseVersionInput(card).value = data.version;
      panel.remove();
      save(card.dataset.question);
    });
    const take = document.createElement("button");
    take.type = "button";
    take.className = "btn btn-outline-secondary btn-sm";
    take.textContent = msg("take-theirs");
    take.addEventListener("click", () => {
      dropDraft(card.dataset.question);
      failed.delete(card.dataset.question);
      window.location.hash = `q-${card.dataset.question}`;
      window.location.reload();
    });
    panel.append(title, label, theirs, keep, take);
    card.classList.add("border-warning");
    card.querySelector(".card-body").append(panel);
  }

  async function save(code) {
    const card = cardFor(code);
    if (!card || readonly) return;
    if (inFlight.has(code)) {
      schedule(code, 500);
      return;
    }
    inFlight.add(code);
    setStatus("saving", "body-secondary");
    setCardStatus(card, "saving");
    const body = new FormData();
    for (const [name, value] of snapshot(card)) body.append(name, value);
    let result;
    try {
      const response = await fetch(`${base}${encodeURIComponent(code)}/save/`, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": csrf(), "X-Requested-With": "fetch", Accept: "application/json" },
      });
      if (response.type === "opaqueredirect" || response.status === 401) {
        result = { kind: "expired" };
      } else if (response.status === 403) {
        const data = await response.json().catch(() => ({}));
        result = data.status === "forbidden" ? { kind: "forbidden", data } : { kind: "expired" };
      } else {
        result = { kind: response.status, data: await response.json().catch(() => ({})) };
      }
    } catch (_e) {
      result = { kind: "offline" };
    } finally {
      inFlight.delete(code);
    }
    if (result.kind === 200) {
      baseVersionInput(card).value = result.data.version;
      failed.delete(code);
      card.querySelectorAll(".autosave-error, .autosave-conflict").forEach((n) => n.remove());
      card.classList.remove("border-warning");
      // Only forget the local copy if nothing changed while the request was under way.
      if (!pending.has(code)) dropDraft(code);
      setCardStatus(card, "saved", "success");
      if (!unsaved()) setStatus("saved", "success");
    } else if (result.kind === 409) {
      failed.delete(code);
      showConflict(card, result.data);
      setCardStatus(card, "conflict", "warning");
      setStatus("conflict", "warning");
    } else if (result.kind === 400) {
      failed.delete(code);
      showErrors(card, result.data.errors);
      setCardStatus(card, "invalid", "danger");
      setStatus("invalid", "danger");
    } else if (result.kind === "forbidden") {
      failed.delete(code);
      setStatus("invalid", "danger");
      showErrors(card, { __all__: [{ message: result.data.message }] });
    } else {
      failed.set(code, (failed.get(code) || 0) + 1);
      const key = result.kind === "expired" ? "expired" : result.kind === "offline" ? "offline" : "failed";
      setCardStatus(card, key, "danger");
      setStatus(key, "danger");
      scheduleRetry();
    }
  }

  // --- Conditions shown live -----------------------------------------------------------------------------
  function currentValues(card) {
    return Array.from(card.querySelectorAll(`[name="${CSS.escape(card.dataset.question)}-value"]`))
      .filter((el) => (el.type === "radio" || el.type === "checkbox" ? el.checked : el.value !== ""))
      .map((el) => el.value);
  }

  function applyConditions() {
    for (const card of cards()) {
      let conditions = [];
      try {
        conditions = JSON.parse(card.dataset.showIf || "[]");
      } catch (_e) {
        conditions = [];
      }
      if (!conditions.length) continue;
      const shown = conditions.every(({ code, values }) => {
        const source = cardFor(code);
        // A source on another page is decided by the server.
        if (!source) return !card.hidden;
        return !source.hidden && currentValues(source).some((v) => values.includes(v));
      });
      card.hidden = !shown;
    }
  }

  // --- Legislation rows -----------------------------------------------------------------------------------
  function addRow(button) {
    const container = button.parentElement.querySelector(".legislation-rows");
    const rows = container.querySelectorAll("[data-row]");
    const last = rows[rows.length - 1];
    const next = rows.length;
    const clone = last.cloneNode(true);
    clone.querySelectorAll("input, label, div").forEach((el) => {
      for (const attr of ["name", "id", "for"]) {
        const value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(/ref_\d+_/, `ref_${next}_`));
      }
      if (el.tagName === "INPUT") el.value = "";
    });
    clone.querySelectorAll(".invalid-feedback, .is-invalid").forEach((el) => {
      if (el.classList.contains("invalid-feedback")) el.remove();
      else el.classList.remove("is-invalid");
    });
    container.append(clone);
    clone.querySelector("input").focus();
  }

  // --- Wiring -----------------------------------------------------------------------------------------------
  if (!readonly) {
    form.addEventListener("input", (event) => {
      if (event.target.form !== form) return; // e.g. a comment box: not part of the answer
      const card = event.target.closest(".question-card");
      if (!card || event.target.type === "file") return;
      keepDraft(card);
      schedule(card.dataset.question);
    });
    form.addEventListener("change", (event) => {
      if (event.target.form !== form) return; // e.g. a comment box: not part of the answer
      const card = event.target.closest(".question-card");
      if (!card || event.target.type === "file") return;
      keepDraft(card);
      applyConditions();
      schedule(card.dataset.question, 0);
    });
    form.addEventListener("focusout", (event) => {
      const card = event.target.closest(".question-card");
      if (card && pending.has(card.dataset.question)) schedule(card.dataset.question, 0);
    });
    form.addEventListener("submit", () => {
      // The whole section is posted: the server saves it and reports conflicts itself. Drafts still
      // waiting stay in the browser until a later save acknowledges them.
      pending.forEach((timer) => clearTimeout(timer));
      pending.clear();
      failed.clear();
    });
    window.addEventListener("online", () => {
      for (const code of Array.from(failed.keys())) save(code);
    });
    window.addEventListener("beforeunload", (event) => {
      if (unsaved()) {
        event.preventDefault();
        event.returnValue = msg("leave");
      }
    });
    form.querySelectorAll(".js-add-row").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => addRow(button));
    });
    restoreDrafts();
  }
  applyConditions();
})();
