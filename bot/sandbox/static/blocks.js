// Block Kit as Slack draws it: pure functions from blocks (and mrkdwn text) to DOM nodes.
// `ctx` carries what the page knows: names of people, the file URL base, and what a button press does.
"use strict";

const EMOJI = {
  eyes: "👀", white_check_mark: "✅", thumbsup: "👍", "+1": "👍", warning: "⚠️", rotating_light: "🚨",
  red_circle: "🔴", large_green_circle: "🟢", large_yellow_circle: "🟡", chart_with_upwards_trend: "📈",
  chart_with_downwards_trend: "📉", bar_chart: "📊", bell: "🔔", hourglass: "⌛", x: "❌", heavy_check_mark: "✔️",
  arrow_up: "⬆️", arrow_down: "⬇️", arrow_right: "➡️", memo: "📝", mag: "🔍", scales: "⚖️", tada: "🎉",
  small_red_triangle_down: "🔻", small_red_triangle: "🔺", information_source: "ℹ️", clipboard: "📋",
  calendar: "📅", busts_in_silhouette: "👥", speech_balloon: "💬", white_circle: "⚪", black_circle: "⚫",
};

function emoji(name) { return EMOJI[name] || `:${name}:`; }

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function unescapeSlack(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

// mrkdwn: *bold*, _italic_, ~strike~, `code`, ```pre```, <url|text>, <@U…>, <#C…|name>, :emoji:, newlines.
function mrkdwnHtml(text, ctx) {
  return text.split(/(<[^<>]+>)/).map((part) => {
    const link = part.match(/^<([^<>]+)>$/);
    if (!link) return styleHtml(escapeHtml(unescapeSlack(part)));
    const [target, label] = link[1].split("|");
    if (target.startsWith("@")) {
      const name = ctx.names[target.slice(1)] || target.slice(1);
      return `<span class="mention">@${escapeHtml(name)}</span>`;
    }
    if (target.startsWith("#")) {
      const name = label || ctx.channelNames[target.slice(1)] || target.slice(1);
      return `<span class="mention"># ${escapeHtml(name)}</span>`;
    }
    if (target.startsWith("!date^")) return escapeHtml(unescapeSlack(label || target));
    if (target.startsWith("!")) return `<span class="mention">@${escapeHtml(label || target.slice(1))}</span>`;
    return `<a href="${escapeHtml(target)}" target="_blank" rel="noopener">${escapeHtml(unescapeSlack(label || target))}</a>`;
  }).join("");
}

function styleHtml(html) {
  return html
    .replace(/```([\s\S]*?)```/g, (_, code) => `<pre>${code}</pre>`)
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/(^|[^\w*])\*([^*\n]+)\*(?!\w)/g, "$1<b>$2</b>")
    .replace(/(^|[^\w])_([^_\n]+)_(?!\w)/g, "$1<i>$2</i>")
    .replace(/(^|[^\w])~([^~\n]+)~(?!\w)/g, "$1<s>$2</s>")
    .replace(/:([a-z0-9_+-]+):/g, (whole, name) => (EMOJI[name] ? EMOJI[name] : whole))
    .replace(/\n/g, "<br>");
}

function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    if (key === "className") node.className = value;
    else if (key === "html") node.innerHTML = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of [].concat(children)) if (child) node.append(child);
  return node;
}

function textNode(text, ctx) {
  if (!text) return el("span");
  if (text.type === "mrkdwn") return el("span", { html: mrkdwnHtml(text.text, ctx) });
  return el("span", { text: text.emoji === false ? text.text : text.text.replace(/:([a-z0-9_+-]+):/g, (w, n) => EMOJI[n] || w) });
}

function imageNode(image, ctx, attributes = {}) {
  const source = image.slack_file ? ctx.fileUrl(image.slack_file.id) : image.image_url;
  return el("img", { src: source, alt: image.alt_text || "", ...attributes });
}

function buttonNode(element, blockId, ctx) {
  return el("button", {
    type: "button", className: `block-button ${element.style || ""}`, "data-action-id": element.action_id,
    "data-testid": `button-${element.action_id}`, text: element.text.text,
    onclick: () => (element.url ? window.open(element.url, "_blank") : ctx.press(element, blockId)),
  });
}

function accessoryNode(element, blockId, ctx) {
  if (!element) return null;
  if (element.type === "button") return buttonNode(element, blockId, ctx);
  if (element.type === "image") return imageNode(element, ctx, { width: 72 });
  return null;
}

function blockNode(block, ctx) {
  const attributes = { className: `block ${block.type}`, "data-block-id": block.block_id };
  switch (block.type) {
    case "header": return el("div", attributes, textNode(block.text, ctx));
    case "divider": return el("hr", attributes);
    case "section": {
      const body = el("div", { className: "text" }, [
        block.text ? textNode(block.text, ctx) : null,
        block.fields ? el("div", { className: "fields" }, block.fields.map((field) => el("div", {}, textNode(field, ctx)))) : null,
      ]);
      return el("div", attributes, el("div", { className: "section" }, [body, accessoryNode(block.accessory, block.block_id, ctx)]));
    }
    case "context":
      return el("div", attributes, block.elements.map((item) =>
        (item.type === "image" ? imageNode(item, ctx) : el("span", {}, [textNode(item, ctx), " "]))));
    case "image":
      return el("div", attributes, [
        block.title ? el("div", { className: "image-title", text: block.title.text }) : null,
        imageNode(block, ctx, { "data-testid": "chart" }),
      ]);
    case "actions":
      return el("div", { ...attributes, className: "block actions" }, block.elements.map((element) =>
        (element.type === "button" ? buttonNode(element, block.block_id, ctx) : null)));
    case "input": return ctx.input ? ctx.input(block) : null;
    default: return el("div", { ...attributes, text: `[${block.type} block]` });
  }
}

function blocksNode(blocks, ctx) {
  return el("div", { className: "blocks" }, blocks.map((block) => blockNode(block, ctx)));
}
