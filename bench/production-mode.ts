// Imported first by bench:query: graphql-js reads NODE_ENV when it loads and, outside production,
// runs extra development checks on every field. The benchmark measures the gateway as deployed.
process.env.NODE_ENV = 'production';
