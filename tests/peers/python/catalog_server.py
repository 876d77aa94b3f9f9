"""A stdio MCP server (PyPI `mcp`, low-level API) with resources, a resource template and
prompts, for mcptop's resource and prompt tests. Its `resources/list` hands out 25
resources in pages of 10 (the cursor is the offset), which server-everything no longer
does.

Resources: `cat://text/<n>` (text/plain) for n in 1..=23, `cat://config.json`
(application/json) and `cat://logo.png` (a 4-byte blob, image/png).
Template: `cat://items/{kind}/{id}` reads as text naming both variables.
Prompts: `plain` (no arguments) and `greet` (`name` required, `tone` optional).
Logging: `logging/setLevel` is acknowledged and answered with a log message at the new
level saying `log level now <level>`.
"""

import base64

import anyio
from mcp import types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

PAGE = 10
RESOURCES = [
    types.Resource(uri=f"cat://text/{n}", name=f"text-{n}", mime_type="text/plain", size=12)
    for n in range(1, 24)
] + [
    types.Resource(uri="cat://config.json", name="config", mime_type="application/json"),
    types.Resource(uri="cat://logo.png", name="logo", mime_type="image/png", size=4),
]


async def list_resources(ctx, params):
    start = int(params.cursor) if params is not None and params.cursor else 0
    end = start + PAGE
    next_cursor = str(end) if end < len(RESOURCES) else None
    return types.ListResourcesResult(resources=RESOURCES[start:end], next_cursor=next_cursor)


async def list_templates(ctx, params):
    template = types.ResourceTemplate(
        uri_template="cat://items/{kind}/{id}",
        name="item",
        description="One item by kind and id",
        mime_type="text/plain",
    )
    return types.ListResourceTemplatesResult(resource_templates=[template])


async def read_resource(ctx, params):
    uri = str(params.uri)
    if uri == "cat://logo.png":
        blob = base64.b64encode(b"\x89PNG").decode()
        contents = types.BlobResourceContents(uri=uri, mime_type="image/png", blob=blob)
    elif uri == "cat://config.json":
        text = '{"port": 8080, "password": "PLANTED-SECRET"}'
        contents = types.TextResourceContents(uri=uri, mime_type="application/json", text=text)
    elif uri.startswith("cat://items/"):
        kind, _, item = uri.removeprefix("cat://items/").partition("/")
        text = f"item kind={kind} id={item}"
        contents = types.TextResourceContents(uri=uri, mime_type="text/plain", text=text)
    elif uri.startswith("cat://text/"):
        text = f"text number {uri.removeprefix('cat://text/')}"
        contents = types.TextResourceContents(uri=uri, mime_type="text/plain", text=text)
    else:
        raise ValueError(f"unknown resource {uri}")
    return types.ReadResourceResult(contents=[contents])


async def list_prompts(ctx, params):
    return types.ListPromptsResult(
        prompts=[
            types.Prompt(name="plain", description="No arguments"),
            types.Prompt(
                name="greet",
                description="Greets someone",
                arguments=[
                    types.PromptArgument(name="name", description="Who", required=True),
                    types.PromptArgument(name="tone", description="How"),
                ],
            ),
        ]
    )


async def get_prompt(ctx, params):
    args = params.arguments or {}
    if params.name == "plain":
        text = "a plain prompt"
    elif params.name == "greet":
        text = f"Say hello to {args.get('name', '?')} in a {args.get('tone', 'neutral')} tone."
    else:
        raise ValueError(f"unknown prompt {params.name}")
    return types.GetPromptResult(
        description=f"prompt {params.name}",
        messages=[
            types.PromptMessage(role="user", content=types.TextContent(type="text", text=text)),
            types.PromptMessage(
                role="assistant",
                content=types.ImageContent(type="image", data="AAAA", mime_type="image/png"),
            ),
        ],
    )


async def set_logging_level(ctx, params):
    # Said back at the new level itself, so the client sees the level reached the server.
    await ctx.session.send_log_message(
        level=params.level, data=f"log level now {params.level}", logger="catalog"
    )
    return types.EmptyResult()


server = Server(
    "mcptop-catalog-peer",
    on_set_logging_level=set_logging_level,
    on_list_resources=list_resources,
    on_list_resource_templates=list_templates,
    on_read_resource=read_resource,
    on_list_prompts=list_prompts,
    on_get_prompt=get_prompt,
)


async def main() -> None:
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


if __name__ == "__main__":
    anyio.run(main)
