/*
 * Prevent safeguarding assistant: web chat page.
 *
 * No frameworks and no third-party code. Everything the user or the assistant wrote is put on
 * the page with textContent, never parsed as HTML. The session token lives in sessionStorage (not
 * a cookie), so it goes only where this script sends it and ends when the tab is closed.
 *
 * Signing in with an invite code also brings a personal sign-in key, shown once: it is kept in
 * sessionStorage only until the person says they have kept it (so a reload doesn't lose it), then
 * dropped. Signing out forgets the token in this tab; "Forget me" asks the server to un-enrol.
 *
 * This file holds no sentences: every word it shows comes from the page's data-wording
 * attribute, which the server fills from guidance/interface.yml (channels.webchat.script, and
 * the 999 and police banner headlines from common.outcome_headline, the same as Teams's card).
 */
(function () {
  "use strict";

  var TOKEN_KEY = "prevent-webchat-session";
  var NEW_KEY = "prevent-webchat-new-key";
  var TIMEOUT_MS = 90000;
  var WORDING = {};
  var PHONE = /(\b0\d{3} ?\d{3} ?\d{3,4}\b|\b999\b)/g;

  var els = {};
  var busy = false;
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");

  function $(id) {
    return document.getElementById(id);
  }

  /* ---- wording (from the page, filled in by the server) ---- */

  function loadWording() {
    try {
      WORDING = JSON.parse(document.body.getAttribute("data-wording") || "{}") || {};
    } catch (e) {
      WORDING = {};
    }
  }

  /* The sentence with this id, its {fields} filled in from `values`. */
  function say(key, values) {
    var text = WORDING[key];
    if (typeof text !== "string") {
      return "";
    }
    return text.replace(/\{([a-z_]+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  /* The banner headline for a 999 or police outcome; "" for any other outcome. */
  function headline(outcome) {
    var headlines = WORDING.headline || {};
    return Object.prototype.hasOwnProperty.call(headlines, outcome) ? String(headlines[outcome]) : "";
  }

  /* ---- session ---- */

  function loadSession() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(TOKEN_KEY) || "null");
      if (saved && typeof saved.token === "string" && saved.expires * 1000 > Date.now()) {
        return saved;
      }
    } catch (e) {
      /* storage unavailable or corrupt: start again */
    }
    clearSession();
    return null;
  }

  function saveSession(session) {
    try {
      window.sessionStorage.setItem(TOKEN_KEY, JSON.stringify(session));
    } catch (e) {
      /* private mode without storage: the session lasts while the page is open */
    }
    els.session = session;
  }

  function clearSession() {
    try {
      window.sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) {
      /* nothing to clear */
    }
    els.session = null;
    clearNewKey();
  }

  /* The personal sign-in key just issued, until its owner says it is kept safe. */
  function loadNewKey() {
    try {
      var key = window.sessionStorage.getItem(NEW_KEY);
      return typeof key === "string" && key ? key : null;
    } catch (e) {
      return null;
    }
  }

  function saveNewKey(key) {
    try {
      window.sessionStorage.setItem(NEW_KEY, key);
    } catch (e) {
      /* without storage the key is on the page until it is acknowledged */
    }
  }

  function clearNewKey() {
    try {
      window.sessionStorage.removeItem(NEW_KEY);
    } catch (e) {
      /* nothing to clear */
    }
    if (els.personalKey) {
      els.personalKey.textContent = "";
    }
  }

  /* ---- talking to the server ---- */

  function post(path, body, token) {
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (token) {
      headers.Authorization = "Bearer " + token;
    }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return window
      .fetch(path, {
        method: "POST",
        headers: headers,
        body: JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer",
        signal: controller ? controller.signal : undefined
      })
      .then(function (response) {
        return response
          .json()
          .catch(function () { return null; })
          .then(function (data) { return { status: response.status, data: data }; });
      })
      .finally(function () {
        if (timer) {
          window.clearTimeout(timer);
        }
      });
  }

  function serverMessage(result, fallback) {
    if (result && result.data && typeof result.data.message === "string" && result.data.message) {
      return result.data.message;
    }
    return fallback;
  }

  /* ---- views ---- */

  function showEnrol(message) {
    els.chatView.hidden = true;
    els.keyView.hidden = true;
    els.enrolView.hidden = false;
    setText(els.inviteError, message || "");
    if (message) {
      els.inviteCode.setAttribute("aria-invalid", "true");
    } else {
      els.inviteCode.removeAttribute("aria-invalid");
    }
    els.inviteCode.focus();
  }

  function showChat(note) {
    els.enrolView.hidden = true;
    els.keyView.hidden = true;
    hideForget(false);
    els.chatView.hidden = false;
    if (note) {
      addNote(note);
    }
    els.message.focus();
  }

  /* The new personal sign-in key, once, with focus on its panel (its text is read out). */
  function showKey(key) {
    els.enrolView.hidden = true;
    els.chatView.hidden = true;
    setText(els.personalKey, key);
    setText(els.copyStatus, "");
    els.copyKey.hidden = !(window.navigator.clipboard && window.navigator.clipboard.writeText);
    els.keyView.hidden = false;
    els.keyView.focus();
  }

  function keyKept() {
    clearNewKey();
    showChat(say("signed_in"));
  }

  function selectKey() {
    var selection = window.getSelection && window.getSelection();
    if (selection && document.createRange) {
      var range = document.createRange();
      range.selectNodeContents(els.personalKey);
      selection.removeAllRanges();
      selection.addRange(range);
    }
  }

  function copyKey() {
    var key = els.personalKey.textContent;
    var failed = function () {
      selectKey();
      setText(els.copyStatus, say("copy_failed"));
    };
    if (!key || !window.navigator.clipboard) {
      failed();
      return;
    }
    window.navigator.clipboard.writeText(key).then(function () {
      setText(els.copyStatus, say("copied"));
    }, failed);
  }

  function setText(el, text) {
    el.textContent = text;
  }

  function setStatus(text, isBusy) {
    setText(els.status, text);
    els.status.classList.toggle("busy", !!isBusy);
  }

  function setError(text) {
    setText(els.composerError, text || "");
    if (text) {
      els.message.setAttribute("aria-invalid", "true");
    } else {
      els.message.removeAttribute("aria-invalid");
    }
  }

  /* ---- the conversation ---- */

  function paragraphs(container, text) {
    String(text)
      .split(/\n{2,}/)
      .forEach(function (part) {
        if (!part.trim()) {
          return;
        }
        var p = document.createElement("p");
        p.textContent = part;
        container.appendChild(p);
      });
  }

  function bubble(kind, who) {
    var div = document.createElement("div");
    div.className = "msg msg-" + kind;
    if (who) {
      var label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = who + ": ";
      div.appendChild(label);
    }
    return div;
  }

  function scrollTo(el) {
    var behaviour = reduceMotion && reduceMotion.matches ? "auto" : "smooth";
    if (el && el.scrollIntoView) {
      el.scrollIntoView({ block: "nearest", behavior: behaviour });
    }
  }

  function addNote(text) {
    var div = bubble("note", "");
    paragraphs(div, text);
    els.log.appendChild(div);
    return div;
  }

  function addUser(text) {
    var div = bubble("user", say("you_said"));
    div.classList.add("msg-pending");
    paragraphs(div, text);
    els.log.appendChild(div);
    scrollTo(div);
    return div;
  }

  function retireChoices() {
    var groups = els.log.querySelectorAll(".choices");
    Array.prototype.forEach.call(groups, function (group) {
      setChoicesEnabled(group, false);
    });
  }

  function setChoicesEnabled(group, enabled) {
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (button) {
      button.disabled = !enabled;
    });
  }

  /* The assistant's text with its web addresses as links (http and https only), built node
     by node like the phone links: never parsed as HTML, so a reply cannot inject markup. */
  var URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

  function withWebLinks(container, text) {
    var last = 0;
    var match;
    URL_IN_TEXT.lastIndex = 0;
    while ((match = URL_IN_TEXT.exec(text)) !== null) {
      container.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = document.createElement("a");
      link.href = match[0];
      link.textContent = match[0];
      link.rel = "noopener noreferrer";
      link.target = "_blank";
      container.appendChild(link);
      last = match.index + match[0].length;
    }
    container.appendChild(document.createTextNode(text.slice(last)));
  }

  function linkedParagraphs(container, text) {
    String(text)
      .split(/\n{2,}/)
      .forEach(function (part) {
        if (!part.trim()) {
          return;
        }
        var p = document.createElement("p");
        withWebLinks(p, part);
        container.appendChild(p);
      });
  }

  function addBot(reply) {
    var div = bubble("bot", say("assistant_said"));
    if (typeof reply.text === "string" && reply.text) {
      linkedParagraphs(div, reply.text);
    }
    if (Array.isArray(reply.buttons) && reply.buttons.length) {
      var group = document.createElement("div");
      group.className = "choices";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Choices");
      reply.buttons.forEach(function (choice) {
        if (!choice || typeof choice.payload !== "string") {
          return;
        }
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = String(choice.title || choice.payload);
        button.addEventListener("click", function () {
          choose(group, button, String(choice.title || choice.payload), choice.payload);
        });
        group.appendChild(button);
      });
      div.appendChild(group);
    }
    if (div.childNodes.length > 1) {
      els.log.appendChild(div);
      return div;
    }
    return null;
  }

  /* Text with phone numbers as tel: links, built node by node (never parsed as HTML). */
  function withPhoneLinks(container, text) {
    var last = 0;
    var match;
    PHONE.lastIndex = 0;
    while ((match = PHONE.exec(text)) !== null) {
      container.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = document.createElement("a");
      link.href = "tel:" + match[0].replace(/ /g, "");
      link.textContent = match[0];
      container.appendChild(link);
      last = match.index + match[0].length;
    }
    container.appendChild(document.createTextNode(text.slice(last)));
  }

  /* The reply the banner shows: its words live in the banner while it is up, and the log
     holds a short pointer, so the same paragraph is never on screen twice (issue 12). */
  var bannerSource = null;

  function pointTo(div, outcome) {
    var label = div.firstChild;
    div.textContent = "";
    if (label) {
      div.appendChild(label);
    }
    var p = document.createElement("p");
    p.className = "msg-pointer";
    /* The banner sits below the log on a desktop and may sit elsewhere on a phone, so the
       words name no position. */
    p.textContent = say("banner_pointer", { headline: headline(outcome) });
    div.appendChild(p);
  }

  /* The conversation has moved on: the banner gives way and its words go back in the log. */
  function clearBanner() {
    var banner = els.emergency;
    if (bannerSource) {
      var label = bannerSource.div.firstChild;
      bannerSource.div.textContent = "";
      if (label) {
        bannerSource.div.appendChild(label);
      }
      paragraphs(bannerSource.div, bannerSource.text);
      bannerSource = null;
    }
    banner.textContent = "";
    banner.className = "emergency";
  }

  function showBanner(outcome, text, div) {
    clearBanner();
    var banner = els.emergency;
    banner.className = "emergency emergency-" + outcome;
    var heading = document.createElement("h2");
    heading.className = "emergency-heading";
    heading.textContent = headline(outcome);
    banner.appendChild(heading);
    String(text || "")
      .split(/\n{2,}/)
      .forEach(function (part) {
        if (!part.trim()) {
          return;
        }
        var p = document.createElement("p");
        withPhoneLinks(p, part);
        banner.appendChild(p);
      });
    if (div && text) {
      pointTo(div, outcome);
      bannerSource = { div: div, text: text };
    }
  }

  function handleReplies(replies) {
    retireChoices();
    var first = null;
    var banner = false;
    var bubbles = [];
    replies.forEach(function (reply, index) {
      if (!reply || typeof reply !== "object") {
        bubbles.push(null);
        return;
      }
      var added = addBot(reply);
      bubbles.push(added);
      first = first || added;
      var custom = reply.custom;
      if (custom && typeof custom === "object" && headline(custom.outcome)) {
        // The banner carries the reply's own words; if a reply had only the payload, the
        // words are in the reply just before it.
        var own = Boolean(reply.text);
        var text = reply.text || (replies[index - 1] && replies[index - 1].text) || "";
        showBanner(custom.outcome, text, own ? added : bubbles[index - 1]);
        banner = true;
      }
    });
    if (!banner && replies.length) {
      clearBanner();
    }
    if (!replies.length) {
      first = addNote(say("no_reply"));
    }
    if (first) {
      scrollTo(banner ? els.emergency : first);
    }
  }

  /* Send a message; `display` is what the log shows (a button's title for a choice). */
  function send(text, display, options) {
    if (busy) {
      return Promise.resolve(false);
    }
    var session = els.session || loadSession();
    if (!session) {
      showEnrol(say("session_ended_sign_in"));
      return Promise.resolve(false);
    }
    busy = true;
    setError("");
    els.send.setAttribute("aria-disabled", "true");
    if (options.fromBox) {
      els.message.readOnly = true;
    }
    setStatus(say("sending"), true);
    var shown = addUser(display);

    return post("message", { message: text }, session.token)
      .then(function (result) {
        if (result.status === 200 && Array.isArray(result.data)) {
          shown.classList.remove("msg-pending");
          setStatus("", false);
          if (options.fromBox) {
            els.message.value = "";
          }
          handleReplies(result.data);
          return true;
        }
        shown.remove();
        setStatus("", false);
        if (result.status === 401) {
          clearSession();
          showEnrol(
            serverMessage(result, say("session_ended")) +
              (options.fromBox ? " " + say("typed_kept") : "")
          );
          return false;
        }
        setError(
          serverMessage(result, say("went_wrong")) + (options.fromBox ? "" : " " + say("choose_again"))
        );
        return false;
      })
      .catch(function () {
        shown.remove();
        setStatus("", false);
        setError(say(options.fromBox ? "unreachable_typed" : "unreachable_choice"));
        return false;
      })
      .finally(function () {
        busy = false;
        els.send.removeAttribute("aria-disabled");
        els.message.readOnly = false;
      });
  }

  function sendFromBox() {
    var text = els.message.value;
    if (!text.trim()) {
      setError(say("type_first"));
      els.message.focus();
      return;
    }
    send(text, text, { fromBox: true }).then(function () {
      if (!els.chatView.hidden) {
        els.message.focus();
      }
    });
  }

  function choose(group, button, title, payload) {
    if (busy || button.disabled) {
      return;
    }
    setChoicesEnabled(group, false);
    send(payload, title, { fromBox: false }).then(function (sent) {
      if (!sent) {
        setChoicesEnabled(group, true);
      }
      if (!els.chatView.hidden) {
        if (sent || !document.body.contains(button)) {
          els.message.focus();
        } else {
          button.focus();
        }
      }
    });
  }

  /* ---- wiring ---- */

  function enrol(event) {
    event.preventDefault();
    var code = els.inviteCode.value.trim();
    if (!code) {
      showEnrol(say("no_code"));
      return;
    }
    els.enrolButton.setAttribute("aria-disabled", "true");
    setText(els.inviteError, "");
    post("enrol", { code: code })
      .then(function (result) {
        if (result.status === 200 && result.data && typeof result.data.token === "string") {
          saveSession({ token: result.data.token, expires: result.data.expires });
          els.inviteCode.value = "";
          els.inviteCode.removeAttribute("aria-invalid");
          setText(els.enrolStatus, "");
          var key = result.data.personal_key;
          if (typeof key === "string" && key) {
            saveNewKey(key);
            showKey(key);
            return;
          }
          showChat(say("welcome_back"));
          var alerts = result.data.concern_alerts;
          if (typeof alerts === "number" && alerts > 0) {
            addNote(say("concern_alerts", { count: alerts }));
          }
          return;
        }
        showEnrol(serverMessage(result, say("code_failed")));
        els.inviteCode.select();
      })
      .catch(function () {
        showEnrol(say("unreachable_sign_in"));
      })
      .finally(function () {
        els.enrolButton.removeAttribute("aria-disabled");
      });
  }

  /* Back to the sign-in form with nothing of the conversation left on the page. */
  function leaveChat(statusText) {
    clearSession();
    els.log.textContent = "";
    els.emergency.textContent = "";
    els.emergency.className = "emergency";
    els.message.value = "";
    setError("");
    setStatus("", false);
    hideForget(false);
    showEnrol("");
    setText(els.enrolStatus, statusText);
  }

  /* Sign out on this device. Tokens are stateless, so there is nothing to tell the server. */
  function signOut() {
    leaveChat(say("signed_out"));
  }

  function showForget() {
    setText(els.forgetError, "");
    els.forgetConfirm.hidden = false;
    els.forgetMe.setAttribute("aria-expanded", "true");
    els.forgetConfirm.focus();
    scrollTo(els.forgetConfirm);
  }

  function hideForget(refocus) {
    if (!els.forgetConfirm) {
      return;
    }
    els.forgetConfirm.hidden = true;
    els.forgetMe.setAttribute("aria-expanded", "false");
    setText(els.forgetError, "");
    if (refocus) {
      els.forgetMe.focus();
    }
  }

  function forgetMe() {
    if (els.forgetYes.getAttribute("aria-disabled") === "true") {
      return;
    }
    var session = els.session || loadSession();
    if (!session) {
      showEnrol(say("session_ended_forget"));
      return;
    }
    els.forgetYes.setAttribute("aria-disabled", "true");
    setText(els.forgetError, "");
    post("forget", {}, session.token)
      .then(function (result) {
        if (result.status === 200) {
          leaveChat(say("forgotten"));
          return;
        }
        if (result.status === 401) {
          clearSession();
          showEnrol(say("session_ended_forget"));
          return;
        }
        setText(
          els.forgetError,
          serverMessage(result, say("went_wrong"))
        );
      })
      .catch(function () {
        setText(els.forgetError, say("unreachable"));
      })
      .finally(function () {
        els.forgetYes.removeAttribute("aria-disabled");
      });
  }

  /* Quick hide (a pupil walks up): clear everything on screen and in this tab's storage, then
     replace this page in the history by a neutral one, so Back doesn't bring the chat back.
     Signing in again with the personal sign-in key carries on the same conversation. */
  var QUICK_HIDE_MS = 1000;
  var lastEscape = 0;

  function quickHide() {
    clearSession();
    try {
      window.sessionStorage.clear();
    } catch (e) {
      /* nothing to clear */
    }
    document.body.textContent = "";
    document.title = say("hidden_title");
    var neutral = (els.quickHide && els.quickHide.getAttribute("data-neutral")) || "about:blank";
    window.location.replace(neutral);
  }

  function onAnyKey(event) {
    if (event.key !== "Escape") {
      return;
    }
    var now = Date.now();
    if (now - lastEscape <= QUICK_HIDE_MS) {
      quickHide();
      return;
    }
    lastEscape = now;
  }

  function onKeyDown(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendFromBox();
    }
  }

  function init() {
    loadWording();
    els.enrolView = $("enrol-view");
    els.chatView = $("chat-view");
    els.enrolForm = $("enrol-form");
    els.enrolButton = $("enrol-button");
    els.inviteCode = $("invite-code");
    els.inviteError = $("invite-error");
    els.log = $("log");
    els.emergency = $("emergency");
    els.composer = $("composer");
    els.message = $("message");
    els.composerError = $("composer-error");
    els.status = $("status");
    els.send = $("send");
    els.keyView = $("key-view");
    els.personalKey = $("personal-key");
    els.copyKey = $("copy-key");
    els.copyStatus = $("copy-status");
    els.forgetMe = $("forget-me");
    els.forgetConfirm = $("forget-confirm");
    els.forgetYes = $("forget-yes");
    els.forgetError = $("forget-error");
    els.forgetMe.setAttribute("aria-controls", "forget-confirm");
    els.forgetMe.setAttribute("aria-expanded", "false");

    els.enrolStatus = document.createElement("p");
    els.enrolStatus.className = "hint";
    els.enrolStatus.setAttribute("role", "status");
    els.enrolForm.parentNode.insertBefore(els.enrolStatus, els.enrolForm);

    els.enrolForm.addEventListener("submit", enrol);
    els.composer.addEventListener("submit", function (event) {
      event.preventDefault();
      sendFromBox();
    });
    els.message.addEventListener("keydown", onKeyDown);
    els.message.addEventListener("input", function () {
      if (els.composerError.textContent) {
        setError("");
      }
    });
    $("end-session").addEventListener("click", signOut);
    els.quickHide = $("quick-hide");
    els.quickHide.addEventListener("click", quickHide);
    document.addEventListener("keydown", onAnyKey, true);
    $("key-kept").addEventListener("click", keyKept);
    els.copyKey.addEventListener("click", copyKey);
    els.forgetMe.addEventListener("click", showForget);
    $("forget-cancel").addEventListener("click", function () {
      hideForget(true);
    });
    els.forgetYes.addEventListener("click", forgetMe);
    els.forgetConfirm.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        hideForget(true);
      }
    });

    els.session = loadSession();
    var newKey = els.session ? loadNewKey() : null;
    if (newKey) {
      showKey(newKey);
    } else if (els.session) {
      showChat(say("still_signed_in"));
    } else {
      els.enrolView.hidden = false;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
