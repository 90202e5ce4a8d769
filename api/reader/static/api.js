// The reader's only source of data: the public JSON API, called as any client would.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** GET a path of the API (e.g. `/v1/articles`) with query parameters; resolves to its JSON. */
export async function get(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  if (url.origin !== location.origin) throw new Error(`refusing to leave this server: ${url}`);
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export const api = {
  articles: (cursor) => get("/v1/articles", { limit: 20, cursor }),
  article: (id) => get(`/v1/articles/${id}`, { include: "sections" }),
  thread: (id) => get(`/v1/articles/${id}/thread`, { depth: 3, limit: 60, replies_per_node: 10 }),
  continuation: (href) => get(href),
  comment: (id) => get(`/v1/comments/${id}`),
  context: (id) => get(`/v1/comments/${id}/context`, { ancestors: 10 }),
  replies: (id) => get(`/v1/comments/${id}/replies`, { depth: 3, limit: 60 }),
  search: (q, type, cursor) => get("/v1/search", { q, type, cursor, limit: 20 }),
  authorComments: (name, cursor) =>
    get(`/v1/authors/${encodeURIComponent(name)}/comments`, { cursor, limit: 20 }),
  speakers: (cursor) => get("/v1/speakers", { cursor, limit: 50 }),
  quotes: (speaker, cursor) => get("/v1/quotes", { speaker, cursor, limit: 20 }),
};
