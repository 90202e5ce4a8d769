"""HTTP around the routes: the app's outer layer and middleware, problem details, query
parameters, cursors and `Link` headers, auth, request bodies, the rate limit, the response
cache, dependencies, OpenAPI fragments and the contract, `/metrics`, serving and request logs."""
