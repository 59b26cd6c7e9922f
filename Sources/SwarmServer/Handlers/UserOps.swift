import Foundation
import SwarmCore
import SwarmProtocol

/// user.list for everyone; user.create and token.revoke for admins.
enum UserOps {
    static func register(_ t: inout [Op: OpHandler]) {
        t[.userList] = { ctx in ctx.reply(UserListReply(users: try await ctx.store.listUsers())) }
        t[.userCreate] = { ctx in
            try requireAdmin(ctx)
            let req = try ctx.decode(UserCreateRequest.self)
            let (user, token) = try await ctx.store.createUser(name: req.name, role: req.role, displayName: req.displayName, skills: req.skills ?? [])
            ctx.core.logger.notice("user created", metadata: ["user": "\(user.name)", "by": "\(ctx.principal.name)"])
            return ctx.reply(UserCreateReply(user: user, token: token))
        }
        t[.tokenRevoke] = { ctx in
            let req = try ctx.decode(TokenRevokeRequest.self)
            // Anyone may revoke their own tokens (a lost laptop); admins anyone's.
            let target = try await ctx.store.user(req.user)
            guard target.id == ctx.principal.userId || Permissions.mayManageUsers(ctx.principal.role) else {
                throw SwarmError.forbidden("only admins may revoke other users' tokens")
            }
            let n = try await ctx.store.revokeTokens(user: target.id)
            ctx.core.logger.notice("tokens revoked", metadata: ["user": "\(target.name)", "count": "\(n)", "by": "\(ctx.principal.name)"])
            return ctx.reply(TokenRevokeReply(revoked: n))
        }
    }

    static func requireAdmin(_ ctx: RequestContext) throws {
        guard Permissions.mayManageUsers(ctx.principal.role) else { throw SwarmError.forbidden("admins only") }
    }
}
