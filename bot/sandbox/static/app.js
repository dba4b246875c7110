// The sandbox page: polls /api/state, draws channels, messages, the modal and the Home tab, and sends what you
// do to /api/... (the server turns it into Slack's signed requests). Block Kit drawing is in blocks.js,
// modals and their values in modal.js.
"use strict";

const POLL_MS = 700;
const page = { state: null, channel: null, showingHome: false, drawn: {} };
const $ = (selector) => document.querySelector(selector);

async function api(action, body) {
  const answer = await fetch(`/api/${action}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}),
  });
  const data = await answer.json();
  if (!answer.ok) notice(data.error || `${action} failed`);
  return data;
}

function notice(text) {
  const box = $("#notice");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

function context(extra = {}) {
  return {
    names: page.state ? page.state.names : {},
    channelNames: Object.fromEntries((page.state ? page.state.channels : []).map((c) => [c.id, c.name])),
    fileUrl: (id) => `/files/${encodeURIComponent(id)}`,
    press: (element, blockId) => api("press", { action_id: element.action_id, value: element.value || "", block_id: blockId || "" }),
    ...extra,
  };
}

async function refresh() {
  const asked = page.channel;
  const query = asked ? `?channel=${encodeURIComponent(asked)}` : "";
  const answer = await fetch(`/api/state${query}`);
  if (!answer.ok) return;
  const state = await answer.json();
  if (page.channel !== asked) return;  // another channel was opened meanwhile: its own refresh draws it
  page.state = state;
  page.channel = state.channel;
  drawTopbar(state);
  drawSidebar(state);
  drawMain(state);
  drawModal(state.modal);
}

function drawTopbar(state) {
  const who = $("#who");
  if (who.options.length !== state.people.length) {
    who.replaceChildren(...state.people.map((person) => el("option", { value: person.user_id, text: person.name })));
  }
  who.value = state.me.user_id;
  $("#role").textContent = state.me.role;
  const ahead = state.ahead_hours ? ` (+${Math.round(state.ahead_hours * 10) / 10} h)` : "";
  $("#clock").textContent = `Sandbox time ${state.now.replace("T", " ").replace("+00:00", " UTC")}${ahead}`;
  const jobs = $("#jobs");
  if (jobs.options.length !== state.jobs.length) {
    jobs.replaceChildren(...state.jobs.map((job) => el("option", { value: job.id, title: job.description, text: job.id })));
  }
}

function drawSidebar(state) {
  const drawn = JSON.stringify([state.channels, state.channel, page.showingHome]);
  if (drawn === page.drawn.sidebar) return;  // redrawn only when it changes, so a click never meets a stale link
  page.drawn.sidebar = drawn;
  const item = (channel) => el("li", {}, el("a", {
    href: "#", className: `nav-item ${!page.showingHome && channel.id === state.channel ? "active" : ""}`,
    "data-testid": `channel-${channel.name}`, "data-channel": channel.id,
    text: channel.kind === "dm" ? channel.name : `# ${channel.name}`,
    onclick: (event) => { event.preventDefault(); showChannel(channel.id); },
  }));
  $("#channels").replaceChildren(...state.channels.filter((c) => c.kind === "channel").map(item));
  $("#dms").replaceChildren(...state.channels.filter((c) => c.kind === "dm").map(item));
  $("#home-link").classList.toggle("active", page.showingHome);
}

function showChannel(channel) {
  page.showingHome = false;
  page.channel = channel;
  page.drawn.messages = "";
  refresh();
}

function drawMain(state) {
  const current = state.channels.find((channel) => channel.id === state.channel);
  $("#title").textContent = page.showingHome ? "Home" : (current.kind === "dm" ? current.name : `# ${current.name}`);
  $("#home").hidden = !page.showingHome;
  $("#messages").hidden = page.showingHome;
  $("#composer").hidden = page.showingHome;
  if (page.showingHome) {
    const drawn = JSON.stringify(state.home);
    if (drawn === page.drawn.home) return;
    page.drawn.home = drawn;
    $("#home").replaceChildren(state.home ? blocksNode(state.home.blocks, context())
      : el("p", { className: "time", text: "Opening your Home tab…" }));
    return;
  }
  const drawn = JSON.stringify([state.channel, state.messages]);
  if (drawn === page.drawn.messages) return;
  page.drawn.messages = drawn;
  const list = $("#messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.replaceChildren(...state.messages.map((message) => messageNode(message, state)));
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function messageNode(message, state) {
  const name = state.names[message.user] || message.user;
  const ctx = context({
    press: (element, blockId) => api("press", {
      action_id: element.action_id, value: element.value || "", block_id: blockId || "",
      channel: message.channel, ts: message.ts,
    }),
  });
  const time = new Date(parseFloat(message.ts) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const body = el("div", { className: "message-body" }, [
    message.ephemeral ? el("div", { className: "ephemeral-note", "data-testid": "ephemeral-note", text: "👁 Only visible to you" }) : null,
    el("div", {}, [el("span", { className: "author", text: name }), el("span", { className: "time", text: time })]),
    message.blocks.length ? blocksNode(message.blocks, ctx) : el("div", { html: mrkdwnHtml(message.text, ctx) }),
    message.ephemeral ? null : reactionsNode(message, state),
    message.replies.length ? el("div", { className: "thread", "data-testid": "thread" }, [
      el("div", { className: "thread-count", text: `${message.replies.length} ${message.replies.length === 1 ? "reply" : "replies"}` }),
      ...message.replies.map((reply) => messageNode(reply, state)),
    ]) : null,
  ]);
  return el("div", {
    className: `message ${message.ephemeral ? "ephemeral" : ""}`, "data-testid": "message", "data-ts": message.ts,
  }, [el("div", { className: "avatar", text: name.slice(0, 1) }), body]);
}

function reactionsNode(message, state) {
  const react = (name) => api("react", { channel: message.channel, ts: message.ts, emoji: name }).then(refresh);
  const picker = el("select", {
    className: "add-reaction", "data-testid": "add-reaction", title: "Add a reaction",
    onchange: (event) => { if (event.target.value) react(event.target.value); },
  }, [el("option", { value: "", text: "☺ +" }), ...state.emoji.map((name) => el("option", { value: name, text: `${emoji(name)} ${name}` }))]);
  return el("div", { className: "reactions" }, [
    ...message.reactions.map((reaction) => el("button", {
      type: "button", className: `reaction ${reaction.mine ? "mine" : ""}`, "data-testid": `reaction-${reaction.name}`,
      text: `${emoji(reaction.name)} ${reaction.count}`, onclick: () => react(reaction.name),
    })),
    picker,
  ]);
}

// ------------------------------------------------------------------ wiring

function wire() {
  $("#composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = $("#message-box");
    const text = box.value.trim();
    if (!text) return;
    box.value = "";
    await api("command", { text, channel: page.channel });
    refresh();
  });
  $("#who").addEventListener("change", async (event) => {
    await api("user", { user_id: event.target.value });
    page.drawn = {};
    if (page.showingHome) await api("home");
    if (page.channel && page.state.channels.find((c) => c.id === page.channel).kind === "dm") page.channel = event.target.value;
    refresh();
  });
  $("#home-link").addEventListener("click", async (event) => {
    event.preventDefault();
    page.showingHome = true;
    page.drawn.home = "";
    await api("home");
    refresh();
  });
  $("#run-now").addEventListener("click", async () => {
    const answer = await api("run", { job: $("#jobs").value });
    if (answer.outcome) notice(`${$("#jobs").value}: ${answer.outcome}`);
    refresh();
  });
  for (const button of document.querySelectorAll(".advance")) {
    button.addEventListener("click", async () => {
      const answer = await api("advance", { hours: Number(button.dataset.hours) });
      if (answer.ran) notice(`Now ${answer.now}. Jobs due: ${Object.keys(answer.ran).join(", ") || "none"}`);
      refresh();
    });
  }
  $("#modal").addEventListener("submit", async (event) => {
    event.preventDefault();
    await api("submit", { values: modalValues(page.state.modal.view) });
    refresh();
  });
  $("#modal-close").addEventListener("click", async () => { await api("close"); refresh(); });
}

wire();
refresh();
setInterval(refresh, POLL_MS);
