// Modals as Slack draws them: input blocks with their elements, errors under their fields, and the values typed
// read back as Slack's view_submission carries them (state.values). Uses blocks.js, and `page` from app.js.
"use strict";

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
