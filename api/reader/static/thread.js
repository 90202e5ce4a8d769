// A reply tree: `comment` nodes nest, `more` nodes load their continuation in place, and
// `missing_parent` nodes stand for a parent the page does not show.
import { api } from "./api.js";
import { h, links, plural, problem, richText, time } from "./dom.js";

/** The nodes of a Thread as a list; `inMissing` when they sit under a missing parent. */
export function nodeList(nodes, inMissing = false) {
  return h("ol", { class: "nodes" }, nodes.map((node) => h("li", {}, renderNode(node, inMissing))));
}

function renderNode(node, inMissing) {
  switch (node.kind) {
    case "comment":
      return commentNode(node);
    case "more":
      return moreButton(node, inMissing);
    case "missing_parent":
      return missingParent(node);
    default:
      return h("p", { class: "muted" }, `(a ${node.kind ?? "node"} this reader does not know)`);
  }
}

/** The header line of a comment: author, verified flag, time, what it answers, permalink. */
export function byline(c, { permalink = true } = {}) {
  return h(
    "p",
    { class: "byline" },
    h("a", { class: "author", href: links.author(c.author) }, c.author),
    c.author_verified === false ? h("span", { class: "badge" }, "not verified") : null,
    " · ",
    time(c.posted_at),
    c.parent_author
      ? [
          " · replying to ",
          c.parent_id
            ? h("a", { href: links.comment(c.parent_id) }, c.parent_author)
            : h("span", { class: "missing-name" }, `${c.parent_author} (not on the page)`),
        ]
      : null,
    permalink
      ? [" · ", h("a", { class: "permalink", href: links.comment(c.id) }, `#${c.id}`)]
      : null,
  );
}

export function commentBody(c) {
  return h("div", { class: "body" }, richText(c.body ?? "", c.quotes ?? [], c.links ?? []));
}

function commentNode(c) {
  const replies = c.replies ?? [];
  const inside = h("div", { class: "inside", id: `replies-${c.id}` }, commentBody(c));
  if (replies.length) inside.append(nodeList(replies));
  const toggle = h(
    "button",
    {
      type: "button",
      class: "toggle",
      "aria-expanded": "true",
      "aria-controls": `replies-${c.id}`,
      "aria-label": `Collapse the comment by ${c.author}`,
    },
    "−",
  );
  const el = h(
    "article",
    { class: "comment", id: `c${c.id}`, "data-id": c.id },
    h("div", { class: "head" }, toggle, byline(c)),
    inside,
  );
  const hiddenNote = h(
    "p",
    { class: "muted collapsed-note", hidden: true },
    c.reply_count ? `hidden, with ${plural(c.reply_count, "reply", "replies")}` : "hidden",
  );
  el.append(hiddenNote);
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", String(!open));
    toggle.setAttribute("aria-label", `${open ? "Expand" : "Collapse"} the comment by ${c.author}`);
    toggle.textContent = open ? "+" : "−";
    inside.hidden = open;
    hiddenNote.hidden = !open;
  });
  return el;
}

function missingParent(node) {
  return h(
    "section",
    { class: "missing" },
    h(
      "p",
      { class: "missing-head" },
      "Replies to ",
      h("strong", {}, node.parent_author),
      node.parent_author_verified === false ? " (not verified)" : "",
      ", whose comment is not on the page",
    ),
    nodeList(node.replies ?? [], true),
  );
}

function moreButton(node, inMissing) {
  const label = `Show ${plural(node.count, "more reply", "more replies")}`;
  const button = h("button", { type: "button", class: "more" }, label);
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.textContent = "Loading…";
    try {
      const thread = await api.continuation(node.href);
      let nodes = thread.nodes ?? [];
      // A continuation under a missing parent comes wrapped in that parent again.
      if (inMissing && nodes.length === 1 && nodes[0].kind === "missing_parent") {
        nodes = nodes[0].replies ?? [];
      }
      const item = button.closest("li");
      const list = item.parentElement;
      const rendered = nodes.map((n) => h("li", {}, renderNode(n, inMissing)));
      item.replaceWith(...rendered);
      const first = rendered[0]?.querySelector("a, button");
      if (first) first.focus();
      else list.focus?.();
    } catch (error) {
      button.disabled = false;
      button.textContent = label;
      button.after(problem(error));
    }
  });
  return button;
}
