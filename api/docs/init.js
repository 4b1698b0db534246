// Swagger UI over the served OpenAPI document; a file of its own so the page needs no inline script.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
});
