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
CMD ["node", "--enable-source-maps", "dist/main.js"]
