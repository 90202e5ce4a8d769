// Every operation of the API through openapi-fetch, typed by openapi-typescript from openapi.json.
// Run as `node build/usage.js BASE_URL API_KEY REVOKED_KEY` with the seed page stored as article 1.
// Prints `ok OPERATION_ID` for each operation it drove; exits non-zero on the first surprise.
import createClient from "openapi-fetch";
import type { components, paths } from "./build/schema.js";

type Schemas = components["schemas"];
type Node = Schemas["CommentNode"] | Schemas["MoreNode"] | Schemas["MissingParentNode"];

const [baseUrl = "", key = "", revoked = ""] = process.argv.slice(2);
const api = createClient<paths>({ baseUrl });
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const ARTICLE = 1;

function ok(operation: string): void {
  console.log(`ok ${operation}`);
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function isProblem(body: unknown, status: number, field?: string): void {
  const problem = body as Schemas["Problem"];
  check(problem.status === status, `expected a ${status} problem, got ${JSON.stringify(body)}`);
  if (field !== undefined) {
    check(problem.invalid_params?.some((p) => p.name === field), `no ${field} in ${JSON.stringify(body)}`);
  }
}

function need<T>(data: T | undefined, what: string): T {
  check(data !== undefined, `no body for ${what}`);
  return data;
}

async function allComments(sort: Schemas["CommentSort"]): Promise<Schemas["Comment"][]> {
  const seen: Schemas["Comment"][] = [];
  let cursor: string | undefined;
  for (;;) {
    const query = cursor === undefined ? { limit: 7, sort } : { limit: 7, sort, cursor };
    const { data } = await api.GET("/v1/articles/{article_id}/comments", {
      params: { path: { article_id: ARTICLE }, query },
    });
    const page = need(data, "listArticleComments");
    seen.push(...page.items);
    if (page.next_cursor === null) return seen;
    cursor = page.next_cursor;
  }
}

async function threadIds(nodes: Node[]): Promise<number[]> {
  const ids: number[] = [];
  for (const node of nodes) {
    switch (node.kind) {
      case "comment":
        ids.push(node.id, ...(await threadIds(node.replies)));
        break;
      case "missing_parent":
        ids.push(...(await threadIds(node.replies)));
        break;
      case "more": {
        const more =
          node.parent_id === null
            ? await api.GET("/v1/articles/{article_id}/thread", {
                params: { path: { article_id: ARTICLE }, query: { cursor: node.cursor } },
              })
            : await api.GET("/v1/comments/{comment_id}/replies", {
                params: { path: { comment_id: node.parent_id }, query: { cursor: node.cursor } },
              });
        ids.push(...(await threadIds(need(more.data, "a more node").nodes)));
        break;
      }
    }
  }
  return ids;
}

async function main(): Promise<void> {
  const health = await api.GET("/healthz");
  check(need(health.data, "getHealth").status === "ok", "unhealthy");
  ok("getHealth");

  let articles = 0;
  let cursor: string | null = null;
  do {
    const query: { limit: number; cursor?: string } = cursor === null ? { limit: 1 } : { limit: 1, cursor };
    const { data } = await api.GET("/v1/articles", { params: { query } });
    const page = need(data, "listArticles");
    articles += page.items.length;
    cursor = page.next_cursor;
  } while (cursor !== null);
  check(articles >= 1, "no articles");
  ok("listArticles");

  const got = await api.GET("/v1/articles/{article_id}", {
    params: { path: { article_id: ARTICLE }, query: { include: ["sections", "speakers"] } },
  });
  const article = need(got.data, "getArticle");
  check(article.sections !== undefined && article.speakers !== undefined, "include ignored");
  const etag = got.response.headers.get("etag") ?? "";
  const cached = await api.GET("/v1/articles/{article_id}", {
    params: { path: { article_id: ARTICLE }, query: { include: ["sections", "speakers"] }, header: { "If-None-Match": etag } },
  });
  check(cached.response.status === 304, `expected 304, got ${cached.response.status}`);
  const missing = await api.GET("/v1/articles/{article_id}", { params: { path: { article_id: 2 ** 53 - 1 } } });
  isProblem(missing.error, 404);
  ok("getArticle");

  const sections = await api.GET("/v1/articles/{article_id}/sections", {
    params: { path: { article_id: ARTICLE }, query: { limit: 2 } },
  });
  check(need(sections.data, "listArticleSections").items.length <= 2, "limit ignored");
  ok("listArticleSections");

  const comments = await allComments("position");
  const newest = await allComments("-posted_at");
  check(comments.length === article.counts.comments && newest.length === comments.length, "counts differ");
  const bad = await api.GET("/v1/articles/{article_id}/comments", {
    params: { path: { article_id: ARTICLE }, query: { limit: 0 } },
  });
  isProblem(bad.error, 400, "limit");
  ok("listArticleComments");

  const first = comments[0];
  check(first !== undefined, "no comments");
  const one = await api.GET("/v1/comments/{comment_id}", { params: { path: { comment_id: first.id } } });
  check(need(one.data, "getComment").body === first.body, "comment differs");
  ok("getComment");

  const crawls = await api.GET("/v1/articles/{article_id}/crawls", {
    params: { path: { article_id: ARTICLE } },
  });
  check(need(crawls.data, "listArticleCrawls").items[0]?.outcome === "created", "no first crawl");
  ok("listArticleCrawls");
  const texts = await api.GET("/v1/articles/{article_id}/revisions", {
    params: { path: { article_id: ARTICLE } },
  });
  check(need(texts.data, "listArticleRevisions").items.length === 0, "unexpected text revisions");
  ok("listArticleRevisions");
  const bodies = await api.GET("/v1/comments/{comment_id}/revisions", {
    params: { path: { comment_id: first.id } },
  });
  check(need(bodies.data, "listCommentRevisions").body === first.body, "revisions differ");
  const none = await api.GET("/v1/comments/{comment_id}/revisions", {
    params: { path: { comment_id: 1_000_000_000 } },
  });
  isProblem(none.error, 404);
  ok("listCommentRevisions");

  const reply = comments.find((c) => c.parent_id !== null);
  check(reply !== undefined, "no replies");
  const context = await api.GET("/v1/comments/{comment_id}/context", {
    params: { path: { comment_id: reply.id } },
  });
  check(need(context.data, "getCommentContext").ancestors.at(-1)?.id === reply.parent_id, "wrong context");
  ok("getCommentContext");

  const tree = await api.GET("/v1/articles/{article_id}/thread", {
    params: { path: { article_id: ARTICLE }, query: { depth: 1, limit: 5, replies_per_node: 1, sort: "oldest" } },
  });
  const ids = await threadIds(need(tree.data, "getArticleThread").nodes);
  check(ids.length === comments.length && new Set(ids).size === ids.length, "thread lost comments");
  ok("getArticleThread");
  const replies = await api.GET("/v1/comments/{comment_id}/replies", {
    params: { path: { comment_id: reply.root_id } },
  });
  check(need(replies.data, "listCommentReplies").parent_id === reply.root_id, "wrong subtree");
  ok("listCommentReplies");

  const quotes = await api.GET("/v1/articles/{article_id}/quotes", { params: { path: { article_id: ARTICLE } } });
  check(need(quotes.data, "listArticleQuotes").items.length > 0, "no quotes");
  ok("listArticleQuotes");
  const everywhere = await api.GET("/v1/quotes", { params: { query: { limit: 3, kind: "speech" } } });
  check(need(everywhere.data, "listQuotes").items.every((q) => q.kind === "speech"), "kind ignored");
  ok("listQuotes");
  const speakers = await api.GET("/v1/speakers");
  check(need(speakers.data, "listSpeakers").items.some((s) => s.name === "Vladimir Putin"), "no Putin");
  ok("listSpeakers");

  const authors = await api.GET("/v1/authors", { params: { query: { limit: 500 } } });
  const author = need(authors.data, "listAuthors").items[0];
  check(author !== undefined, "no authors");
  ok("listAuthors");
  const theirs = await api.GET("/v1/authors/{name}/comments", { params: { path: { name: author.name } } });
  check(need(theirs.data, "listAuthorComments").items.every((c) => c.author === author.name), "other authors");
  ok("listAuthorComments");

  const hits = await api.GET("/v1/search", { params: { query: { q: "Putin", type: "comment", mode: "words" } } });
  for (const hit of need(hits.data, "search").items) {
    check(hit.type === "comment" && hit.snippet.includes("<mark>"), "no highlight");
  }
  const tooLong = await api.GET("/v1/search", { params: { query: { q: "word ".repeat(100) } } });
  isProblem(tooLong.error, 400, "q");
  ok("search");

  const csv = await api.GET("/v1/articles/{article_id}/comments.csv", {
    params: { path: { article_id: ARTICLE } },
    parseAs: "text",
  });
  check(need(csv.data, "csv").trim().split("\n").length > comments.length, "short CSV");
  ok("exportArticleCommentsCsv");
  const ndjson = await api.GET("/v1/articles/{article_id}/comments.ndjson", {
    params: { path: { article_id: ARTICLE } },
    parseAs: "text",
  });
  const lines = need(ndjson.data, "ndjson").trim().split("\n").map((l) => JSON.parse(l) as Schemas["Comment"]);
  check(lines.map((c) => c.id).join() === comments.map((c) => c.id).join(), "NDJSON differs");
  ok("exportArticleCommentsNdjson");

  const document = await api.GET("/v1/articles/{article_id}/document", { params: { path: { article_id: ARTICLE } } });
  check(need(document.data, "getArticleDocument").title === article.title, "document differs");
  ok("getArticleDocument");

  const page = "A page sent from TypeScript\n\nIts only paragraph.\n";
  const created = await api.POST("/v1/articles", {
    body: page,
    bodySerializer: (body) => body as string,
    headers: { ...auth(key), "Content-Type": "text/plain" },
  });
  check(created.response.status === 201, `create: ${created.response.status}`);
  const made = need(created.data, "createArticle");
  const again = await api.POST("/v1/articles", {
    body: { text: page },
    headers: { ...auth(key), "Content-Type": "application/vnd.threadbase.page+json" },
  });
  check(again.response.status === 200 && again.data?.id === made.id, "not the same article");
  const imported: Schemas["ArticleImport"] = {
    title: "An article sent as structure from TypeScript",
    sections: [{ paragraphs: [{ text: "One paragraph." }] }],
    comments: [{ author: "reader", posted_at: article.ingested_at, body: "First!" }],
  };
  const structured = await api.POST("/v1/articles", {
    body: imported,
    headers: { ...auth(key), "Idempotency-Key": "ts-1" },
  });
  check(structured.response.status === 201, `import: ${structured.response.status}`);
  const replayed = await api.POST("/v1/articles", { body: imported, headers: { ...auth(key), "Idempotency-Key": "ts-1" } });
  check(replayed.response.headers.get("idempotent-replayed") === "true", "not replayed");
  const anonymous = await api.POST("/v1/articles", { body: imported });
  isProblem(anonymous.error, 401);
  const banned = await api.POST("/v1/articles", { body: imported, headers: auth(revoked) });
  isProblem(banned.error, 403);
  ok("createArticle");

  const replaced = await api.PUT("/v1/articles/{article_id}", {
    params: { path: { article_id: made.id } },
    body: { text: "A new title\n\nNew text.\n" },
    headers: { ...auth(key), "Content-Type": "application/vnd.threadbase.page+json" },
  });
  check(replaced.data?.title === "A new title", "not replaced");
  const clash = await api.PUT("/v1/articles/{article_id}", {
    params: { path: { article_id: made.id } },
    body: imported,
    headers: auth(key),
  });
  isProblem(clash.error, 409);
  ok("replaceArticle");

  const deleted = await api.DELETE("/v1/articles/{article_id}", {
    params: { path: { article_id: made.id } },
    headers: auth(key),
  });
  check(deleted.response.status === 204, "not deleted");
  const gone = await api.DELETE("/v1/articles/{article_id}", {
    params: { path: { article_id: made.id } },
    headers: auth(key),
  });
  isProblem(gone.error, 404);
  ok("deleteArticle");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
