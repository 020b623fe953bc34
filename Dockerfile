FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY providers ./providers
COPY drizzle ./drizzle
COPY bin ./bin
# One bundle (dependencies stay in node_modules): less memory than loading TypeScript at run time.
RUN npm run build
USER node
EXPOSE 3000
# The same flags as `npm start` (see docs/performance.md for the young-generation size).
CMD ["node", "--enable-source-maps", "--max-semi-space-size=16", "--max-old-space-size=1024", "dist/main.js"]
