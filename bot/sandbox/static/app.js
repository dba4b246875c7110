// The sandbox page: polls /api/state, draws channels, messages, the modal and the Home tab, and sends what you
// do to /api/... (the server turns it into Slack's signed requests). Block Kit drawing is in blocks.js.
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
  const query = page.channel ? `?channel=${encodeURIComponent(page.channel)}` : "";
  const answer = await fetch(`/api/state${query}`);
  if (!answer.ok) return;
  const state = await answer.json();
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
      channel: message.channel, ts: message.ephemeral ? null : message.ts,
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

// ------------------------------------------------------------------ modals

function drawModal(modal) {
  const backdrop = $("#modal-backdrop");
  if (!modal) {
    backdrop.hidden = true;
    page.drawn.modal = "";
    return;
  }
  const drawn = JSON.stringify(modal.view);
  if (drawn !== page.drawn.modal) {
    page.drawn.modal = drawn;
    page.drawn.errors = "";
    const view = modal.view;
    $("#modal-title").textContent = view.title ? view.title.text : "";
    $("#modal-submit").textContent = view.submit ? view.submit.text : "Submit";
    $("#modal-submit").hidden = !view.submit;
    $("#modal-close").textContent = view.close ? view.close.text : "Cancel";
    $("#modal-body").replaceChildren(blocksNode(view.blocks, context({ input: inputNode })));
    backdrop.hidden = false;
  }
  const errors = JSON.stringify(modal.errors);
  if (errors !== page.drawn.errors) {
    page.drawn.errors = errors;
    for (const field of document.querySelectorAll("#modal .input")) {
      const problem = modal.errors[field.dataset.blockId];
      field.classList.toggle("has-error", Boolean(problem));
      const shown = field.querySelector(".field-error");
      shown.textContent = problem || "";
      shown.hidden = !problem;
    }
  }
}

function optionNodes(element, selected) {
  const option = (item) => el("option", { value: item.value, text: item.text.text, selected: selected.includes(item.value) ? "" : null });
  if (element.option_groups) {
    return element.option_groups.map((group) => el("optgroup", { label: group.label.text }, group.options.map(option)));
  }
  return (element.options || []).map(option);
}

function peopleOptions(selected) {
  return page.state.people.map((person) => el("option", { value: person.user_id, text: person.name, selected: selected.includes(person.user_id) ? "" : null }));
}

function localDateTime(epochSeconds) {
  const at = new Date(epochSeconds * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

function elementNode(element) {
  const common = { "data-action-id": element.action_id, "data-type": element.type, "data-testid": "field" };
  const placeholder = element.placeholder ? element.placeholder.text : null;
  switch (element.type) {
    case "plain_text_input":
      return element.multiline
        ? el("textarea", { ...common, placeholder }, element.initial_value || "")
        : el("input", { ...common, type: "text", placeholder, value: element.initial_value || "" });
    case "static_select": {
      const initial = element.initial_option ? [element.initial_option.value] : [];
      return el("select", common, [el("option", { value: "", text: placeholder || "Choose…" }), ...optionNodes(element, initial)]);
    }
    case "users_select":
      return el("select", common, [el("option", { value: "", text: placeholder || "Choose someone…" }),
        ...peopleOptions(element.initial_user ? [element.initial_user] : [])]);
    case "multi_users_select":
      return el("select", { ...common, multiple: "", size: 5 }, peopleOptions(element.initial_users || []));
    case "channels_select":
      return el("select", common, [el("option", { value: "", text: placeholder || "Choose a channel…" }),
        ...page.state.channels.filter((c) => c.kind === "channel").map((c) => el("option", {
          value: c.id, text: `# ${c.name}`, selected: c.id === element.initial_channel ? "" : null }))]);
    case "datetimepicker":
      return el("input", { ...common, type: "datetime-local",
        value: element.initial_date_time ? localDateTime(element.initial_date_time) : "" });
    case "datepicker":
      return el("input", { ...common, type: "date", value: element.initial_date || "" });
    case "radio_buttons":
    case "checkboxes": {
      const initial = element.type === "radio_buttons"
        ? (element.initial_option ? [element.initial_option.value] : [])
        : (element.initial_options || []).map((option) => option.value);
      const name = `${element.action_id}-${Math.random().toString(36).slice(2)}`;
      return el("div", common, element.options.map((option) => el("label", { className: "choice" }, [
        el("input", { type: element.type === "radio_buttons" ? "radio" : "checkbox", name, value: option.value,
          checked: initial.includes(option.value) ? "" : null }),
        ` ${option.text.text}`,
      ])));
    }
    default:
      return el("div", { ...common, text: `[${element.type}]` });
  }
}

function inputNode(block) {
  return el("div", { className: "input", "data-block-id": block.block_id, "data-testid": `input-${block.block_id}` }, [
    el("label", { className: "field-label" }, [block.label.text, block.optional ? el("span", { className: "optional", text: " (optional)" }) : null]),
    elementNode(block.element),
    block.hint ? el("div", { className: "hint", text: block.hint.text }) : null,
    el("div", { className: "field-error", "data-testid": `error-${block.block_id}`, hidden: "" }),
  ]);
}

function findOption(element, value) {
  const options = element.option_groups ? element.option_groups.flatMap((group) => group.options) : element.options || [];
  return options.find((option) => option.value === value) || null;
}

// state.values exactly as Slack shapes it: block_id -> action_id -> the element's state.
function modalValues(view) {
  const values = {};
  for (const block of view.blocks) {
    if (block.type !== "input") continue;
    const element = block.element;
    const node = document.querySelector(`#modal .input[data-block-id="${CSS.escape(block.block_id)}"] [data-action-id]`);
    const state = { type: element.type };
    switch (element.type) {
      case "plain_text_input": state.value = node.value === "" ? null : node.value; break;
      case "static_select": state.selected_option = node.value ? findOption(element, node.value) : null; break;
      case "users_select": state.selected_user = node.value || null; break;
      case "multi_users_select": state.selected_users = [...node.selectedOptions].map((option) => option.value); break;
      case "channels_select": state.selected_channel = node.value || null; break;
      case "datetimepicker": state.selected_date_time = node.value ? Math.floor(new Date(node.value).getTime() / 1000) : null; break;
      case "datepicker": state.selected_date = node.value || null; break;
      case "radio_buttons": {
        const checked = node.querySelector("input:checked");
        state.selected_option = checked ? findOption(element, checked.value) : null;
        break;
      }
      case "checkboxes":
        state.selected_options = [...node.querySelectorAll("input:checked")].map((box) => findOption(element, box.value));
        break;
      default: break;
    }
    values[block.block_id] = { [element.action_id]: state };
  }
  return values;
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
